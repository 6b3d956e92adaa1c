#include "rpc/worker.hpp"

#include <algorithm>
#include <random>

#include <caf/after.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/expected.hpp>

#include <thrift/TApplicationException.h>
#include <thrift/transport/TTransportException.h>

#include "actors/errors.hpp"

namespace actorgate::rpc {

namespace {

using apache::thrift::TException;
using apache::thrift::transport::TTransportException;
using std::chrono::milliseconds;

milliseconds ms_left(const deadline& d, milliseconds cap) {
  return std::chrono::duration_cast<milliseconds>(d.remaining_or(cap));
}

class worker {
public:
  explicit worker(worker_options opts)
      : opts_(std::move(opts)), conn_(opts_.target), delay_(opts_.backoff_initial),
        rng_(std::random_device{}()) {}

  caf::expected<caf::message> run(job& j) {
    if (j.due.expired())
      return make_error(backend_errc::timeout, "deadline passed in the queue");
    if (conn_.is_open() && conn_.stale())
      conn_.close();
    if (!conn_.is_open()) {
      if (auto err = connect(j.due))
        return err;
    }
    auto limit = ms_left(j.due, opts_.target.call_timeout);
    if (limit <= milliseconds::zero())
      return make_error(backend_errc::timeout, "deadline passed before the call");
    conn_.set_call_timeout(limit);
    try {
      return j.call(conn_);
    } catch (const TTransportException& e) {
      conn_.close();
      if (e.getType() == TTransportException::TIMED_OUT)
        return make_error(backend_errc::timeout, e.what());
      return make_error(backend_errc::transport, e.what());
    } catch (const apache::thrift::TApplicationException& e) {
      // The reply was read in full: the connection is still in step.
      return make_error(backend_errc::application, e.what());
    } catch (const TException& e) {
      conn_.close();
      return make_error(backend_errc::application, e.what());
    } catch (const std::exception& e) {
      conn_.close();
      return make_error(backend_errc::application, e.what());
    }
  }

private:
  caf::error connect(const deadline& due) {
    auto now = clock::now();
    if (now < retry_at_)
      return make_error(backend_errc::unavailable, "reconnect backoff");
    try {
      conn_.open(ms_left(due, opts_.target.connect_timeout));
      delay_ = opts_.backoff_initial;
      return {};
    } catch (const std::exception& e) {
      // Full jitter: workers that failed together do not retry together.
      std::uniform_int_distribution<long> pick(delay_.count() / 2, delay_.count());
      retry_at_ = now + milliseconds(pick(rng_));
      delay_ = std::min(delay_ * 2, opts_.backoff_max);
      return make_error(backend_errc::unavailable, e.what());
    }
  }

  worker_options opts_;
  connection conn_;
  milliseconds delay_;
  clock::time_point retry_at_{};
  std::minstd_rand rng_;
};

} // namespace

void worker_loop(caf::blocking_actor* self, caf::actor pool, worker_options opts,
                 std::shared_ptr<std::atomic<bool>> stop, std::shared_ptr<pool_stats> stats) {
  worker w{std::move(opts)};
  bool running = true;
  // Linked to the pool: the pool's exit arrives here as an exit_msg, which a
  // blocking actor must match itself or shutdown would wait for it forever.
  while (running) {
    self->receive(
        [&](run_atom, job& j) -> caf::expected<caf::message> {
          auto result = w.run(j);
          stats->calls.fetch_add(1, std::memory_order_relaxed);
          if (!result && result.error().category() == caf::atom("backend"))
            stats->count_error(static_cast<backend_errc>(result.error().code()));
          self->send(pool, idle_atom::value);
          return result;
        },
        [&](caf::exit_msg&) { running = false; },
        caf::after(std::chrono::seconds(1)) >> [&] { running = !stop->load(); });
  }
}

} // namespace actorgate::rpc
