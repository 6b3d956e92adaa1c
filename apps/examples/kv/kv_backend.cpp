// kv-backend: the example's own TThreadPoolServer, serving kv.thrift. Same
// config file and options as compute-backend, under [kv-server].
#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <mutex>

#include "apps/app_config.hpp"
#include "apps/signals.hpp"
#include "kv/KeyValue.h"
#include "rpc/backend_server.hpp"

using namespace actorgate;
namespace kv = actorgate::example::kv;

namespace {

// The server runs one thread per connection: the store is shared by them.
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

} // namespace

int main(int argc, char** argv) {
  apps::block_stop_signals();
  apps::app_config cfg{{}, {"kv-server"}};
  if (auto rc = cfg.load(argc, argv, "kv-backend", std::cerr))
    return *rc;
  auto opts = cfg.server("kv-server");
  rpc::backend_server server{opts,
                             std::make_shared<kv::KeyValueProcessor>(std::make_shared<store>())};
  try {
    auto port = server.start();
    std::cout << "kv-backend listening on " << opts.address << ":" << port << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "kv-backend: cannot serve on " << opts.address << ":" << opts.port << ": "
              << e.what() << std::endl;
    return 1;
  }
  apps::wait_for_stop_signal();
  server.stop();
  return 0;
}
