#include "actorgate/http/session_registry.hpp"

#include <vector>

#include "actorgate/http/session.hpp"

namespace actorgate::http {

void session_registry::add(const std::shared_ptr<session>& s) {
  std::lock_guard<std::mutex> g{mutex_};
  live_.emplace(s.get(), s);
}

void session_registry::remove(session* s) {
  std::lock_guard<std::mutex> g{mutex_};
  live_.erase(s);
}

void session_registry::add(const std::shared_ptr<drainable_connection>& c) {
  std::lock_guard<std::mutex> g{mutex_};
  others_.emplace(c.get(), c);
}

void session_registry::remove(drainable_connection* c) {
  std::lock_guard<std::mutex> g{mutex_};
  others_.erase(c);
}

std::size_t session_registry::size() const {
  std::lock_guard<std::mutex> g{mutex_};
  return live_.size() + others_.size();
}

void session_registry::post_reply(const std::weak_ptr<session>& to, std::uint64_t seq, response r) {
  std::shared_lock<std::shared_mutex> g{post_mutex_};
  if (closed_)
    return;
  if (auto s = to.lock())
    s->post_reply(seq, std::move(r));
}

void session_registry::close() {
  std::unique_lock<std::shared_mutex> g{post_mutex_};
  closed_ = true;
}

void session_registry::drain_all() {
  draining_.store(true, std::memory_order_release);
  std::vector<std::shared_ptr<session>> all;
  std::vector<std::shared_ptr<drainable_connection>> others;
  {
    std::lock_guard<std::mutex> g{mutex_};
    for (auto& [_, weak] : live_)
      if (auto s = weak.lock())
        all.push_back(std::move(s));
    for (auto& [_, weak] : others_)
      if (auto c = weak.lock())
        others.push_back(std::move(c));
  }
  for (auto& s : all)
    s->drain();
  for (auto& c : others)
    c->drain();
}

} // namespace actorgate::http
