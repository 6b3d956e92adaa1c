# actorgate's CMake package: find_package(actorgate) gives actorgate::actorgate.
include(CMakeFindDependencyMacro)
find_dependency(Threads)
find_dependency(Boost 1.74)
find_dependency(OpenSSL 3)
find_dependency(nlohmann_json 3)
find_dependency(spdlog 1.10)
find_dependency(pugixml)
find_dependency(PkgConfig)
pkg_check_modules(THRIFT REQUIRED IMPORTED_TARGET thrift)
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares)
# CAF 0.17 as packaged by Debian ships no CMake package: the same imported
# targets the project's own build makes.
if(NOT TARGET caf::core)
  find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
  find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
  add_library(caf::core UNKNOWN IMPORTED)
  set_target_properties(caf::core PROPERTIES IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
                        INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()
add_compile_definitions(BOOST_BEAST_USE_STD_STRING_VIEW)
include(${CMAKE_CURRENT_LIST_DIR}/actorgate-targets.cmake)
# actorgate_thrift_library(<target> <file.thrift> <dir> <generated .cpp ...>)
# for a service of your own (see docs/extending.md).
find_program(THRIFT_COMPILER thrift REQUIRED)
include(${CMAKE_CURRENT_LIST_DIR}/actorgate_thrift.cmake)
