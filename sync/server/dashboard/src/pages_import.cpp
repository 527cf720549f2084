#include "pages.hpp"

namespace checkin::server::dashboard {

void add_import_routes(Router&) {}

}  // namespace checkin::server::dashboard
