// Prints the OpenAPI document of a service of an IDL, for the validator test
// (tests/openapi/validate.js) and for a person who wants to look at one:
//   openapi_dump everything.thrift Everythings /rpc [OUT.json]
#include <fstream>
#include <iostream>

#include "actorgate/idl/http_mapping.hpp"
#include "actorgate/idl/openapi.hpp"

int main(int argc, char** argv) {
  namespace idl = actorgate::idl;
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: openapi_dump FILE.thrift SERVICE PREFIX [OUT.json]\n";
    return 2;
  }
  try {
    auto m = idl::model::from_idl(argv[1]);
    const idl::service_def& s = m.service(argv[2]);
    std::string text = idl::openapi_document(m, s, idl::http_routes(s, argv[3])).dump(2) + "\n";
    if (argc == 4) {
      std::cout << text;
      return std::cout.flush() ? 0 : 1;
    }
    std::ofstream out(argv[4], std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::cerr << "openapi_dump: cannot write " << argv[4] << "\n";
      return 1;
    }
    return 0;
  } catch (const idl::idl_error& e) {
    std::cerr << "openapi_dump: " << e.what() << "\n";
    return 1;
  }
}
