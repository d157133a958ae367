#include "scenario/model.hpp"

namespace s3storm::scenario {

const char* to_string(OpKind op) {
  switch (op) {
    case OpKind::kPut:
      return "put";
    case OpKind::kCopy:
      return "copy";
    case OpKind::kDelete:
      return "delete";
    case OpKind::kPost:
      return "post";
    case OpKind::kMultipart:
      return "multipart";
    case OpKind::kGet:
      return "get";
    case OpKind::kHead:
      return "head";
    case OpKind::kList:
      return "list";
  }
  return "?";
}

const char* to_string(Comparator c) {
  switch (c) {
    case Comparator::lt:
      return "<";
    case Comparator::le:
      return "<=";
    case Comparator::gt:
      return ">";
    case Comparator::ge:
      return ">=";
    case Comparator::eq:
      return "==";
    case Comparator::ne:
      return "!=";
  }
  return "?";
}

}  // namespace s3storm::scenario
