// One finding of loadcheck-abrupt-termination, and no heavy header.
#include <cstdlib>

int handle(int Status) {
  if (Status < 0)
    std::abort();
  return Status;
}
