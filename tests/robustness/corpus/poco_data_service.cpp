// Robustness corpus: every public header of POCO Data (with its SQLite and
// PostgreSQL connectors); a session, a parameterised statement and a pool.
#include "includes/poco_data.h"

#include <string>
#include <vector>

namespace corpus {

using namespace Poco::Data::Keywords;

std::vector<std::string> namesOlderThan(Poco::Data::Session &Session,
                                        int MinAge) {
  std::vector<std::string> Names;
  Session << "SELECT name FROM person WHERE age > ?", into(Names), use(MinAge),
      now;
  return Names;
}

int runPocoData() {
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::SessionPool Pool("SQLite", "corpus.db", 1, 4);
  Poco::Data::Session Session = Pool.get();
  Session << "CREATE TABLE IF NOT EXISTS person (name TEXT, age INTEGER)", now;
  Poco::Data::Transaction Transaction(Session);
  std::string Name = "ada";
  int Age = 36;
  Session << "INSERT INTO person VALUES (?, ?)", use(Name), use(Age), now;
  Transaction.commit();
  return static_cast<int>(namesOlderThan(Session, 30).size());
}

} // namespace corpus
