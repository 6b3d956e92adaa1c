// kv-backend, rung 8 of the examples ladder: a backend of your own, serving
// kv.thrift on actorgate's hardened TThreadPoolServer, configured by
// [kv-server] (address, port, threads, timeouts; the keys of
// [compute-server]). The server gives each client connection a thread of its
// own, and a gateway's blocking workers hold one connection each: the
// handler runs on many threads at once, so shared state takes a lock.
#include <cctype>
#include <map>
#include <mutex>

#include "actorgate/gateway/backend.hpp"
#include "kv/KeyValue.h"

using namespace actorgate;

namespace {

// [kv-handler]
// The store is shared by the server's threads.
class store : public kv::KeyValueIf {
public:
  void get(std::string& out, const std::string& key) override {
    std::lock_guard<std::mutex> g{mutex_};
    auto i = data_.find(key);
    if (i == data_.end()) {
      kv::NotFound missing;
      missing.key = key;
      throw missing;
    }
    out = i->second;
  }

  void put(const std::string& key, const std::string& value) override {
    std::lock_guard<std::mutex> g{mutex_};
    data_[key] = value;
  }

  void tokenize(std::vector<std::string>& out, const std::string& text) override {
    std::string word;
    for (unsigned char c : text + " ") {
      if (std::isalnum(c)) {
        word += static_cast<char>(std::tolower(c));
      } else if (!word.empty()) {
        out.push_back(std::move(word));
        word.clear();
      }
    }
  }

private:
  std::mutex mutex_;
  std::map<std::string, std::string> data_;
};
// [/kv-handler]

} // namespace

// [kv-backend-main]
int main(int argc, char** argv) {
  backend be{argc, argv, "kv-backend", "kv-server"};
  if (auto rc = be.exit_code())
    return *rc;
  return be.serve(std::make_shared<kv::KeyValueProcessor>(std::make_shared<store>()));
}
// [/kv-backend-main]
