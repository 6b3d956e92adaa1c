#include "actorgate/idl/route.hpp"

#include <utility>

#include <thrift/protocol/TProtocol.h>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/backend_timer.hpp"
#include "actorgate/actors/errors.hpp"
#include "actorgate/idl/codec.hpp"
#include "actorgate/idl/openapi.hpp"
#include "actorgate/rpc/typed_pool.hpp"

namespace actorgate {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

const idl::service_def& pick_service(const idl::model& m, const idl_source& s) {
  if (!s.service.empty())
    return m.service(s.service);
  std::vector<const idl::service_def*> own;
  std::string names;
  for (const auto& svc : m.services())
    if (svc->module == m.main_module()) {
      own.push_back(svc.get());
      names += (names.empty() ? "" : ", ") + svc->name;
    }
  if (own.size() != 1)
    throw idl::idl_error(
        s.file + (own.empty() ? " has no service"
                              : " has several services (" + names + "): set idl.service to one"));
  return *own.front();
}

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The method's arguments from the request: the body's object, then the path
// variables and the query parameters the route binds.
nlohmann::json arguments(const idl::http_route& r, const request& req) {
  nlohmann::json args = nlohmann::json::object();
  if (r.body && !blank(req.body)) {
    try {
      args = nlohmann::json::parse(req.body);
    } catch (const nlohmann::json::parse_error& e) {
      std::string what = e.what();
      auto pos = what.find("] ");
      throw idl::input_error("", "malformed JSON: " +
                                     (pos == std::string::npos ? what : what.substr(pos + 2)));
    }
    if (!args.is_object())
      throw idl::input_error("", "the body must be a JSON object of the arguments by name");
  }
  for (const auto* a : r.path_args) {
    if (args.contains(a->name))
      throw idl::input_error(a->name, "given both in the path and in the body");
    args[a->name] = idl::json_from_text(*a->type, req.path_param(a->name), a->name);
  }
  if (!r.rest)
    return args;
  for (const auto& [key, value] : req.query) {
    const idl::field_def* arg = nullptr;
    for (const auto* q : r.query_args)
      if (q->name == key)
        arg = q;
    if (arg == nullptr)
      throw idl::input_error(key, r.body ? "a query parameter this route does not take"
                                         : "a query parameter that names no argument");
    if (args.contains(key))
      throw idl::input_error(key, "given twice");
    args[key] = idl::json_from_text(*arg->type, value, key);
  }
  return args;
}

// The reply to `m`, read on the worker's connection, as the HTTP answer.
response answer(apache::thrift::protocol::TProtocol& p, const idl::method_def& m) {
  if (m.oneway) {
    response r;
    r.status = 202;
    return r;
  }
  idl::reply r = idl::read_reply(p, m);
  switch (r.what) {
  case idl::reply::kind::success:
    if (m.returns->kind == idl::type_kind::void_)
      return response::no_content();
    return response::raw_json(
        200, r.value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  case idl::reply::kind::exception: {
    const idl::struct_def& e = *r.thrown->type->structure;
    unsigned status = idl::exception_status(e);
    return response::json(status, {{"error", e.name}, {"status", status}, {"detail", r.value}});
  }
  case idl::reply::kind::application_error:
    break;
  }
  // The worker answers it as the generated client's would be: 502.
  throw r.app_error;
}

} // namespace

std::shared_ptr<const idl_service> load_idl_service(const idl_source& s) {
  auto svc = std::make_shared<idl_service>();
  if (ends_with(s.file, ".xml")) {
    svc->model = idl::model::from_xml_file(s.file);
  } else {
    idl::compile_options opts;
    opts.compiler = s.compiler;
    svc->model = idl::model::from_idl(s.file, opts);
  }
  svc->service = &pick_service(svc->model, s);
  svc->routes = idl::http_routes(*svc->service, s.prefix);
  svc->openapi = idl::openapi_document(svc->model, *svc->service, svc->routes).dump(2);
  return svc;
}

caf::behavior idl_openapi_route(caf::event_based_actor*, std::shared_ptr<const idl_service> svc) {
  return {[svc](handle_atom, const request&, const reply_handle& h) {
    h.answer(response::raw_json(200, svc->openapi));
  }};
}

caf::behavior idl_route(caf::event_based_actor* self, std::shared_ptr<const idl_service> svc,
                        std::size_t index, caf::actor pool) {
  const idl::http_route& route = svc->routes.at(index);
  bool idempotent = route.m->annotation("idempotent") == "true";
  return {
      [=, &route](handle_atom, const request& req, const reply_handle& h) {
        nlohmann::json args;
        try {
          args = arguments(route, req);
          idl::check_args(*route.m, args);
        } catch (const idl::input_error& e) {
          h.answer(response::error(400, e.what()));
          return;
        }
        const idl::method_def* m = route.m;
        rpc::job j{[svc, m, args = std::move(args), timer = req.backend_time](rpc::connection& c) {
                     backend_timer::scope timed{timer.get()};
                     auto& p = *c.protocol();
                     idl::write_checked_call(p, *m, args, 0);
                     return caf::make_message(
                         rpc::call_result{std::make_shared<response>(answer(p, *m))});
                   },
                   req.deadline, idempotent, req.client_gone_flag};
        // No CAF timeout: the worker bounds the call by the deadline.
        self->request(pool, caf::infinite, rpc::call_atom::value, std::move(j))
            .then([h](rpc::call_result& r) { h.answer(std::move(r.as<response>())); },
                  [h](const caf::error& e) { h.answer(error_response(e)); });
      },
  };
}

} // namespace actorgate
