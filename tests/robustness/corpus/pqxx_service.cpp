// Robustness corpus: every public header of libpqxx; a connection with a
// connect timeout, a transaction and a parameterised query.
#include "includes/pqxx.h"

#include <string>

namespace corpus {

int countOrders(pqxx::connection &Connection, int CustomerId) {
  pqxx::work Transaction(Connection);
  pqxx::result Rows = Transaction.exec_params(
      "SELECT count(*) FROM orders WHERE customer_id = $1", CustomerId);
  Transaction.commit();
  return Rows[0][0].as<int>();
}

int runPqxx(const std::string &ConnectionString) {
  pqxx::connection Connection(ConnectionString + " connect_timeout=5");
  pqxx::nontransaction Query(Connection);
  pqxx::row One = Query.exec1("SELECT 1");
  return One[0].as<int>() + countOrders(Connection, 42);
}

} // namespace corpus
