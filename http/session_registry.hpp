// session_registry: every open session of one server (private to http/), so
// that shutdown can reach them: the server counts them against
// max_connections, drains them, and closes the way back for late replies.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "actorgate/actors/response.hpp"

namespace actorgate::http {

class session; // http/session.hpp

/// A connection that is no longer an HTTP session (a WebSocket): counted
/// against max_connections and drained like one.
class drainable_connection {
public:
  virtual ~drainable_connection() = default;
  /// Called on any thread.
  virtual void drain() = 0;
};

class session_registry {
public:
  void add(const std::shared_ptr<session>& s);
  void remove(session* s);
  void add(const std::shared_ptr<drainable_connection>& c);
  void remove(drainable_connection* c);
  std::size_t size() const;
  /// Asks every session to finish its current request and close.
  void drain_all();
  bool draining() const { return draining_.load(std::memory_order_acquire); }

  /// Posts a reply to its session unless the server closed: after close()
  /// the IO threads are gone, and neither a post into their io_contexts nor
  /// a session's last reference may be taken from another thread.
  void post_reply(const std::weak_ptr<session>& to, std::uint64_t seq, response r);
  void close();
  /// Runs f() unless the server closed, under the same lock as post_reply:
  /// for anything else that posts into an IO thread from outside it.
  template <class F> void if_open(F&& f) {
    std::shared_lock<std::shared_mutex> g{post_mutex_};
    if (!closed_)
      f();
  }

private:
  // Posters hold post_mutex_ shared, close() takes it exclusively. Separate
  // from mutex_: a poster may drop a session's last reference, and
  // ~session takes mutex_ to unregister.
  std::shared_mutex post_mutex_;
  bool closed_ = false; // guarded by post_mutex_
  mutable std::mutex mutex_;
  std::unordered_map<session*, std::weak_ptr<session>> live_;
  std::unordered_map<drainable_connection*, std::weak_ptr<drainable_connection>> others_;
  std::atomic<bool> draining_{false};
};

} // namespace actorgate::http
