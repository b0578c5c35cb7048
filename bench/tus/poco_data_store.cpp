// Persistence on Poco::Data (SQLite connector): a session pool, prepared
// statements with bound parameters, transactions.
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>

#include <optional>
#include <string>
#include <vector>

using namespace Poco::Data::Keywords;

namespace {

struct User {
  std::string Id;
  std::string Name;
  int Age = 0;
};

class UserRepository {
public:
  explicit UserRepository(const std::string &Path)
      : Pool("SQLite", Path, 1, 8, 60) {
    Poco::Data::Session S(Pool.get());
    S << "CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, name TEXT, "
         "age INTEGER)",
        now;
  }

  void save(const User &U) {
    Poco::Data::Session S(Pool.get());
    Poco::Data::Transaction Tx(S);
    std::string Id = U.Id, Name = U.Name;
    int Age = U.Age;
    S << "INSERT OR REPLACE INTO users VALUES (?, ?, ?)", use(Id), use(Name),
        use(Age), now;
    Tx.commit();
  }

  std::optional<User> find(const std::string &Id) {
    Poco::Data::Session S(Pool.get());
    std::string Key = Id, Name;
    int Age = 0;
    Poco::Data::Statement Select(S);
    Select << "SELECT name, age FROM users WHERE id = ?", use(Key), into(Name),
        into(Age), limit(1);
    if (Select.execute() == 0)
      return std::nullopt;
    return User{Id, Name, Age};
  }

  std::vector<std::string> namesOlderThan(int MinAge) {
    Poco::Data::Session S(Pool.get());
    std::vector<std::string> Names;
    S << "SELECT name FROM users WHERE age > ?", use(MinAge), into(Names), now;
    return Names;
  }

private:
  Poco::Data::SessionPool Pool;
};

} // namespace

int main() {
  Poco::Data::SQLite::Connector::registerConnector();
  UserRepository Users("users.db");
  Users.save({"u1", "Ada", 36});
  auto Found = Users.find("u1");
  return Found && !Users.namesOlderThan(30).empty() ? 0 : 1;
}
