// shop-backend: the Shop service on actorgate's hardened TThreadPoolServer,
// configured by [shop-server] (the keys of [compute-server]).
#include <map>
#include <mutex>

#include "actorgate/gateway/backend.hpp"
#include "shop/Shop.h"

namespace {

// The server runs a thread per connection: the catalogue is shared by them.
class catalogue : public shop::ShopIf {
public:
  void get_item(shop::Item& out, std::int64_t id) override {
    std::lock_guard<std::mutex> g{mutex_};
    out = find(id)->second;
  }

  void list_items(std::vector<shop::Item>& out, std::int32_t limit) override {
    std::lock_guard<std::mutex> g{mutex_};
    for (auto i = items_.begin(); i != items_.end() && std::int64_t(out.size()) < limit; ++i)
      out.push_back(i->second);
  }

  void add_item(shop::Item& out, const shop::Item& item) override {
    std::lock_guard<std::mutex> g{mutex_};
    out = item;
    out.id = ++last_id_;
    items_[out.id] = out;
  }

  void remove_item(std::int64_t id) override {
    std::lock_guard<std::mutex> g{mutex_};
    items_.erase(find(id));
  }

private:
  std::map<std::int64_t, shop::Item>::iterator find(std::int64_t id) {
    auto i = items_.find(id);
    if (i == items_.end()) {
      shop::NoSuchItem missing;
      missing.id = id;
      throw missing;
    }
    return i;
  }

  std::mutex mutex_;
  std::map<std::int64_t, shop::Item> items_;
  std::int64_t last_id_ = 0;
};

} // namespace

int main(int argc, char** argv) {
  actorgate::backend be{argc, argv, "shop-backend", "shop-server"};
  if (auto rc = be.exit_code())
    return *rc;
  return be.serve(std::make_shared<shop::ShopProcessor>(std::make_shared<catalogue>()));
}
