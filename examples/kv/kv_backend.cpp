// kv-backend: the example's own TThreadPoolServer, serving kv.thrift. Same
// config file and options as compute-backend, under [kv-server].
#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

#include "actorgate/gateway/backend.hpp"
#include "kv/KeyValue.h"

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
  backend be{argc, argv, "kv-backend", "kv-server"};
  if (auto rc = be.exit_code())
    return *rc;
  return be.serve(std::make_shared<kv::KeyValueProcessor>(std::make_shared<store>()));
}
