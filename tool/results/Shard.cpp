#include "tool/results/Shard.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include <numeric>
#include <tuple>

namespace loadcheck {

std::vector<unsigned> assignShards(const std::vector<SizedFile> &Files,
                                   unsigned Count) {
  std::vector<size_t> Order(Files.size());
  std::iota(Order.begin(), Order.end(), 0);
  llvm::sort(Order, [&Files](size_t A, size_t B) {
    return std::tie(Files[B].Size, Files[A].Path) <
           std::tie(Files[A].Size, Files[B].Path);
  });
  std::vector<uint64_t> Load(std::max(1u, Count), 0);
  std::vector<unsigned> Shard(Files.size(), 0);
  for (size_t I : Order) {
    // min_element returns the first minimum: ties go to the lowest shard.
    auto Lightest = std::min_element(Load.begin(), Load.end());
    Shard[I] = unsigned(Lightest - Load.begin());
    // +1 so that empty files are spread as well.
    *Lightest += Files[I].Size + 1;
  }
  return Shard;
}

std::vector<std::string> selectShard(const std::vector<std::string> &Files,
                                     unsigned Index, unsigned Count) {
  std::vector<SizedFile> Sized;
  for (const std::string &F : Files) {
    uint64_t Size = 0;
    if (llvm::sys::fs::file_size(F, Size))
      Size = 0;
    Sized.push_back({F, Size});
  }
  std::vector<unsigned> Shard = assignShards(Sized, Count);
  std::vector<std::string> Selected;
  for (size_t I = 0; I < Files.size(); ++I)
    if (Shard[I] + 1 == Index)
      Selected.push_back(Files[I]);
  return Selected;
}

} // namespace loadcheck
