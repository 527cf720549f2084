#include "pages.hpp"

namespace checkin::server::dashboard {

void add_people_routes(Router&) {}

}  // namespace checkin::server::dashboard
