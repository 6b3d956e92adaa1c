# Build-time: writes OUTPUT, a C++ file defining metrics::admin_page_html()
# as the text of INPUT (the admin page), so that the page ships inside the
# gateway and needs no file at run time.
file(READ ${INPUT} content)
file(WRITE ${OUTPUT} "// Generated from metrics/admin.html by metrics/embed.cmake; do not edit.
#include \"actorgate/metrics/admin_page.hpp\"

namespace actorgate::metrics {

std::string_view admin_page_html() {
  return R\"actorgate_html(${content})actorgate_html\";
}

} // namespace actorgate::metrics
")
