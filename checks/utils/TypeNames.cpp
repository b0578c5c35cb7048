//===--- TypeNames.cpp - which class or typedef a type is spelled as ------===//
#include "checks/utils/TypeNames.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace loadcheck::utils {

std::string qualifiedClassName(QualType T) {
  if (T.isNull())
    return "";
  if (const CXXRecordDecl *Record = T->getAsCXXRecordDecl())
    return Record->getQualifiedNameAsString();
  if (const auto *Spec = T->getAs<TemplateSpecializationType>())
    if (const TemplateDecl *Template =
            Spec->getTemplateName().getAsTemplateDecl())
      return Template->getQualifiedNameAsString();
  if (const auto *Deduced = dyn_cast_or_null<DeducedTemplateSpecializationType>(
          T->getContainedDeducedType()))
    if (const TemplateDecl *Template =
            Deduced->getTemplateName().getAsTemplateDecl())
      return Template->getQualifiedNameAsString();
  return "";
}

bool hasTypedefNamed(QualType T, llvm::ArrayRef<llvm::StringRef> Names) {
  for (unsigned Depth = 0; !T.isNull() && Depth < 16; ++Depth) {
    const auto *Typedef = T->getAs<TypedefType>();
    if (!Typedef)
      return false;
    if (llvm::is_contained(Names, Typedef->getDecl()->getName()))
      return true;
    T = Typedef->desugar();
  }
  return false;
}

} // namespace loadcheck::utils
