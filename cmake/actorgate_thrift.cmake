# actorgate_thrift_library(<target> <file.thrift> <dir> <generated .cpp ...>)
# Generates C++ from a Thrift IDL at build time (never committed) into
# gen/<dir>/ and builds it once as a static library; include the generated
# headers as "<dir>/Service.h".
function(actorgate_thrift_library target idl dir)
  get_filename_component(idl ${idl} ABSOLUTE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/gen/${dir})
  set(srcs "")
  foreach(f ${ARGN})
    list(APPEND srcs ${out}/${f})
  endforeach()
  add_custom_command(
    OUTPUT ${srcs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${THRIFT_COMPILER} --gen cpp:no_skeleton -out ${out} ${idl}
    DEPENDS ${idl}
    COMMENT "thrift --gen cpp ${idl}"
    VERBATIM)
  add_library(${target} STATIC ${srcs})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_BINARY_DIR}/gen>)
  target_link_libraries(${target} PUBLIC PkgConfig::THRIFT)
  target_compile_options(${target} PRIVATE -Wno-unused-parameter)
endfunction()
