#include "scenario/model.hpp"

namespace s3storm::scenario {

const char* to_string(OpKind op) {
  switch (op) {
    case OpKind::put:
      return "put";
    case OpKind::copy:
      return "copy";
    case OpKind::del:
      return "delete";
    case OpKind::post:
      return "post";
    case OpKind::multipart:
      return "multipart";
    case OpKind::get:
      return "get";
    case OpKind::head:
      return "head";
    case OpKind::list:
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
