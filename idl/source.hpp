// source: where an IDL is and which of its services to serve, as the
// gateway's [idl] group gives it; a header of its own so that the config's
// headers need none of idl/'s.
#pragma once

#include <string>

namespace actorgate {

/// Where an IDL is and what of it to serve.
struct idl_source {
  /// The .thrift file, or a model `thrift --gen xml:merge` wrote (.xml).
  std::string file;
  /// "" if the file has exactly one service.
  std::string service;
  std::string prefix = "/rpc";
  /// The Thrift compiler run on a .thrift file.
  std::string compiler = "thrift";
};

} // namespace actorgate
