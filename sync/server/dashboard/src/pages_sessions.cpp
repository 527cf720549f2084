#include "pages.hpp"

namespace checkin::server::dashboard {

void add_session_routes(Router&) {}

}  // namespace checkin::server::dashboard
