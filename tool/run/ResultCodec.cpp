#include "tool/run/ResultCodec.h"

#include "llvm/ADT/StringExtras.h"

namespace json = llvm::json;

namespace loadcheck {

json::Value textToJSON(llvm::StringRef S) {
  if (json::isUTF8(S))
    return S.str();
  return json::Object{{"hex", llvm::toHex(S)}};
}

std::optional<std::string> textFromJSON(const json::Value *V) {
  if (!V)
    return std::nullopt;
  if (auto S = V->getAsString())
    return S->str();
  const json::Object *O = V->getAsObject();
  auto Hex = O ? O->getString("hex") : std::nullopt;
  std::string Bytes;
  if (!Hex || !llvm::tryGetFromHex(*Hex, Bytes))
    return std::nullopt;
  return Bytes;
}

namespace {

json::Value text(llvm::StringRef S) { return textToJSON(S); }

std::optional<std::string> textFrom(const json::Value *V) {
  return textFromJSON(V);
}

json::Value locationToJSON(const Location &L) {
  return json::Array{text(L.File), L.Offset, L.Line, L.Column};
}

bool locationFromJSON(const json::Value *V, Location &L) {
  const json::Array *A = V ? V->getAsArray() : nullptr;
  if (!A || A->size() != 4)
    return false;
  auto File = textFrom(&(*A)[0]);
  auto Offset = (*A)[1].getAsUINT64(), Line = (*A)[2].getAsUINT64(),
       Column = (*A)[3].getAsUINT64();
  if (!File || !Offset || !Line || !Column)
    return false;
  L = {*File, unsigned(*Offset), unsigned(*Line), unsigned(*Column)};
  return true;
}

json::Value findingToJSON(const Finding &F) {
  json::Array Notes, Fixes;
  for (const Note &N : F.Notes)
    Notes.push_back(json::Object{{"where", locationToJSON(N.Where)},
                                 {"message", text(N.Message)}});
  for (const Replacement &R : F.Fixes)
    Fixes.push_back(
        json::Array{text(R.File), R.Offset, R.Length, text(R.Text)});
  return json::Object{
      {"check", text(F.Check)},       {"error", F.Level == Severity::Error},
      {"asError", F.WarningAsError},  {"where", locationToJSON(F.Where)},
      {"end", locationToJSON(F.End)}, {"message", text(F.Message)},
      {"function", text(F.Function)}, {"notes", std::move(Notes)},
      {"fixes", std::move(Fixes)}};
}

bool findingFromJSON(const json::Value &V, Finding &F) {
  const json::Object *O = V.getAsObject();
  if (!O)
    return false;
  auto Check = textFrom(O->get("check"));
  auto Message = textFrom(O->get("message"));
  auto IsError = O->getBoolean("error");
  auto AsError = O->getBoolean("asError");
  if (!Check || !Message || !IsError || !AsError ||
      !locationFromJSON(O->get("where"), F.Where) ||
      !locationFromJSON(O->get("end"), F.End))
    return false;
  F.Check = *Check;
  F.Message = *Message;
  F.Function = textFrom(O->get("function")).value_or("");
  F.Level = *IsError ? Severity::Error : Severity::Warning;
  F.WarningAsError = *AsError;
  if (const json::Array *Notes = O->getArray("notes"))
    for (const json::Value &NV : *Notes) {
      const json::Object *NO = NV.getAsObject();
      Note N;
      auto Message = NO ? textFrom(NO->get("message")) : std::nullopt;
      if (!Message || !locationFromJSON(NO->get("where"), N.Where))
        return false;
      N.Message = *Message;
      F.Notes.push_back(std::move(N));
    }
  if (const json::Array *Fixes = O->getArray("fixes"))
    for (const json::Value &RV : *Fixes) {
      const json::Array *R = RV.getAsArray();
      if (!R || R->size() != 4)
        return false;
      auto File = textFrom(&(*R)[0]), Text = textFrom(&(*R)[3]);
      auto Offset = (*R)[1].getAsUINT64(), Length = (*R)[2].getAsUINT64();
      if (!File || !Offset || !Length || !Text)
        return false;
      F.Fixes.push_back({*File, unsigned(*Offset), unsigned(*Length), *Text});
    }
  return true;
}

} // namespace

json::Value resultToJSON(FileResult Result) {
  json::Array Findings;
  for (const Finding &F : Result.Findings)
    Findings.push_back(findingToJSON(F));
  json::Array Analysed;
  for (const auto &[File, Digest] : Result.Analysed)
    Analysed.push_back(
        json::Array{text(File), Digest.Size, llvm::utohexstr(Digest.Hash)});
  json::Object Out{{"file", text(Result.File)},
                   {"failure", text(Result.Failure)},
                   {"findings", std::move(Findings)},
                   {"analysed", std::move(Analysed)}};
  if (Result.Facts.kind() != json::Value::Null)
    Out["facts"] = std::move(Result.Facts);
  // Only counted by the driver: optional, absent when nothing was hidden.
  if (!Result.HiddenInHeaders.empty()) {
    json::Array Hidden;
    for (const Finding &F : Result.HiddenInHeaders)
      Hidden.push_back(findingToJSON(F));
    Out["hiddenInHeaders"] = std::move(Hidden);
  }
  // What the result cache did, for the driver's summary.
  if (Result.Cache != FileResult::CacheStatus::Off) {
    Out["cache"] = Result.Cache == FileResult::CacheStatus::Hit ? "hit"
                   : Result.Cache == FileResult::CacheStatus::DirectHit
                       ? "direct"
                       : "miss";
    Out["cacheWarnings"] = json::Array(Result.CacheWarnings);
  }
  return Out;
}

bool resultFromJSON(json::Value Value, FileResult &Result) {
  json::Object *O = Value.getAsObject();
  if (!O)
    return false;
  auto File = textFrom(O->get("file")), Failure = textFrom(O->get("failure"));
  const json::Array *Findings = O->getArray("findings");
  if (!File || !Failure || !Findings)
    return false;
  Result.File = *File;
  Result.Failure = *Failure;
  for (const json::Value &V : *Findings) {
    Finding F;
    if (!findingFromJSON(V, F))
      return false;
    Result.Findings.push_back(std::move(F));
  }
  if (json::Value *Facts = O->get("facts"))
    Result.Facts = std::move(*Facts); // megabytes for a large TU: not copied
  if (const json::Array *Hidden = O->getArray("hiddenInHeaders"))
    for (const json::Value &V : *Hidden) {
      Finding F;
      if (!findingFromJSON(V, F))
        return false;
      Result.HiddenInHeaders.push_back(std::move(F));
    }
  // The result cache's status: optional, absent when the cache is off.
  if (auto Cache = O->getString("cache"))
    Result.Cache = *Cache == "hit"      ? FileResult::CacheStatus::Hit
                   : *Cache == "direct" ? FileResult::CacheStatus::DirectHit
                                        : FileResult::CacheStatus::Miss;
  if (const json::Array *Warnings = O->getArray("cacheWarnings"))
    for (const json::Value &W : *Warnings)
      if (auto Text = W.getAsString())
        Result.CacheWarnings.push_back(Text->str());
  if (const json::Array *Analysed = O->getArray("analysed"))
    for (const json::Value &V : *Analysed) {
      const json::Array *A = V.getAsArray();
      if (!A || A->size() != 3)
        return false;
      auto Path = textFrom(&(*A)[0]);
      auto Size = (*A)[1].getAsUINT64();
      auto Hash = (*A)[2].getAsString();
      FileDigest Digest;
      if (!Path || !Size || !Hash || Hash->getAsInteger(16, Digest.Hash))
        return false;
      Digest.Size = *Size;
      Result.Analysed[*Path] = Digest;
    }
  return true;
}

} // namespace loadcheck
