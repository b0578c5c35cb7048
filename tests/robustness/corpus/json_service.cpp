// Robustness corpus: every public header of nlohmann-json; parsing, typed
// conversion and serialisation of a request body.
#include "includes/nlohmann_json.h"

#include <string>
#include <vector>

namespace corpus {

struct Order {
  std::string Id;
  std::vector<int> Items;
  double Total = 0;
};

void to_json(nlohmann::json &Json, const Order &O) {
  Json = nlohmann::json{{"id", O.Id}, {"items", O.Items}, {"total", O.Total}};
}

void from_json(const nlohmann::json &Json, Order &O) {
  Json.at("id").get_to(O.Id);
  Json.at("items").get_to(O.Items);
  Json.at("total").get_to(O.Total);
}

std::string roundTrip(const std::string &Body) {
  nlohmann::json Parsed = nlohmann::json::parse(Body, nullptr,
                                                /*allow_exceptions=*/false);
  if (Parsed.is_discarded())
    return "{}";
  Order O = Parsed.get<Order>();
  O.Total *= 2;
  return nlohmann::json(O).dump();
}

int runJson() {
  return roundTrip(R"({"id":"a1","items":[1,2],"total":3.5})").empty();
}

} // namespace corpus
