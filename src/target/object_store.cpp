#include "target/object_store.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "target/crypto.hpp"
#include "target/s3_error.hpp"
#include "util/ascii.hpp"
#include "util/hex.hpp"

namespace s3storm::target {

namespace {

std::string_view strip_quotes(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    return etag.substr(1, etag.size() - 2);
  }
  return etag;
}

[[noreturn]] void no_such_bucket(const std::string& bucket) {
  throw S3Error(ErrorCode::kNoSuchBucket, "The specified bucket does not exist")
      .with("BucketName", bucket);
}

// Continuation tokens are opaque to clients; ours carry the last item returned, marked as a key
// ('K') or a common prefix ('P'), hex-encoded so they survive any query string untouched.
std::string make_token(char kind, std::string_view last) {
  std::string raw(1, kind);
  raw += last;
  return hex::encode(raw);
}

std::optional<std::string> read_token(std::string_view token) {
  auto raw = hex::decode(token);
  if (!raw || raw->empty() || ((*raw)[0] != 'K' && (*raw)[0] != 'P')) return std::nullopt;
  return raw;
}

[[noreturn]] void no_such_key(const std::string& key) {
  throw S3Error(ErrorCode::kNoSuchKey, "The specified key does not exist.").with("Key", key);
}

[[noreturn]] void no_such_version(const std::string& key, VersionNumber version) {
  throw S3Error(ErrorCode::kNoSuchVersion, "The specified version does not exist.")
      .with("Key", key)
      .with("VersionId", version_id_text(version));
}

// The entry of `versions` with this number, or null.
ObjectVersion* find_version(std::vector<ObjectVersion>& versions, VersionNumber version) {
  for (auto& entry : versions) {
    if (entry.object.version == version) return &entry;
  }
  return nullptr;
}

// A suspended bucket writes the "null" version, which replaces the key's earlier one.
void drop_null_version(std::vector<ObjectVersion>& versions) {
  std::erase_if(versions, [](const ObjectVersion& entry) { return entry.object.version == 0; });
}

}  // namespace

std::string version_id_text(VersionNumber version) {
  return version == 0 ? std::string("null") : fmt::format("{:016X}", version);
}

std::optional<VersionNumber> parse_version_id(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "null") return VersionNumber{0};
  VersionNumber value = 0;
  bool valid = text.size() == 16;
  for (const char c : text) {
    const int digit = hex::digit_value(c);
    if (digit < 0 || (c >= 'a' && c <= 'f')) valid = false;
    value = value << 4 | static_cast<VersionNumber>(digit < 0 ? 0 : digit);
  }
  if (!valid || value == 0) {
    throw S3Error(ErrorCode::kInvalidArgument, "Invalid version id specified")
        .with("ArgumentName", "versionId")
        .with("ArgumentValue", std::string(text));
  }
  return value;
}

bool is_valid_bucket_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '.' || c == '-'; });
}

void ObjectStore::Bucket::put(const std::string& key, ObjectInfo& object,
                              VersionNumber& next_version) {
  if (versioning == Versioning::kUnversioned) {
    if (objects.insert_or_assign(key, object)) sorted_valid = false;
    return;
  }
  object.version = versioning == Versioning::kEnabled ? next_version++ : 0;
  auto& versions = history_of(key);
  if (object.version == 0) drop_null_version(versions);
  versions.push_back({object, false});
  if (objects.insert_or_assign(key, object)) sorted_valid = false;
}

std::vector<ObjectVersion>& ObjectStore::Bucket::history_of(const std::string& key) {
  const auto [it, inserted] = history.try_emplace(key);
  if (inserted) {
    if (const ObjectInfo* current = objects.find(key)) it->second.push_back({*current, false});
  }
  return it->second;
}

void ObjectStore::Bucket::refresh_current(const std::string& key,
                                          const std::vector<ObjectVersion>& versions) {
  if (versions.empty() || versions.back().delete_marker) {
    erase(key);
  } else if (objects.insert_or_assign(key, versions.back().object)) {
    sorted_valid = false;
  }
}

bool ObjectStore::Bucket::erase(const std::string& key) {
  if (!objects.erase(key)) return false;
  sorted_valid = false;
  return true;
}

const std::vector<const ObjectStore::ObjectMap::Entry*>& ObjectStore::Bucket::in_key_order() const {
  if (!sorted_valid) {
    sorted.clear();
    sorted.reserve(objects.size());
    for (const auto& entry : objects.entries()) sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return a->key < b->key; });
    sorted_valid = true;
  }
  return sorted;
}

ObjectStore::Bucket& ObjectStore::bucket_or_throw(const std::string& bucket) {
  const auto it = buckets_.find(bucket);
  if (it == buckets_.end()) no_such_bucket(bucket);
  return it->second;
}

const ObjectStore::Bucket& ObjectStore::bucket_or_throw(const std::string& bucket) const {
  const auto it = buckets_.find(bucket);
  if (it == buckets_.end()) no_such_bucket(bucket);
  return it->second;
}

ObjectStore::Upload& ObjectStore::upload_or_throw(const std::string& bucket, const std::string& key,
                                                  const std::string& upload_id) {
  bucket_or_throw(bucket);
  const auto it = uploads_.find(upload_id);
  if (it == uploads_.end() || it->second.bucket != bucket || it->second.key != key) {
    throw S3Error(ErrorCode::kNoSuchUpload,
                  "The specified upload does not exist. The upload ID may be invalid, or the "
                  "upload may have been aborted or completed.")
        .with("UploadId", upload_id);
  }
  return it->second;
}

const ObjectStore::Upload& ObjectStore::upload_or_throw(const std::string& bucket,
                                                        const std::string& key,
                                                        const std::string& upload_id) const {
  return const_cast<ObjectStore*>(this)->upload_or_throw(bucket, key, upload_id);
}

void ObjectStore::create_bucket(const std::string& bucket) {
  if (!is_valid_bucket_name(bucket)) {
    throw S3Error(ErrorCode::kInvalidBucketName, "The specified bucket is not valid.")
        .with("BucketName", bucket);
  }
  std::lock_guard lock(mutex_);
  const auto [it, inserted] = buckets_.try_emplace(bucket);
  if (!inserted) {
    throw S3Error(ErrorCode::kBucketAlreadyOwnedByYou,
                  "Your previous request to create the named bucket succeeded and you already "
                  "own it.")
        .with("BucketName", bucket);
  }
  it->second.created = Clock::now();
}

void ObjectStore::head_bucket(const std::string& bucket) const {
  std::lock_guard lock(mutex_);
  bucket_or_throw(bucket);
}

std::vector<BucketInfo> ObjectStore::list_buckets() const {
  std::lock_guard lock(mutex_);
  std::vector<BucketInfo> out;
  out.reserve(buckets_.size());
  for (const auto& [name, bucket] : buckets_) out.push_back({name, bucket.created});
  return out;
}

void ObjectStore::delete_bucket(const std::string& bucket) {
  std::lock_guard lock(mutex_);
  const Bucket& found = bucket_or_throw(bucket);
  const bool has_uploads = std::any_of(uploads_.begin(), uploads_.end(), [&](const auto& entry) {
    return entry.second.bucket == bucket;
  });
  if (!found.objects.empty() || !found.history.empty() || has_uploads) {
    throw S3Error(ErrorCode::kBucketNotEmpty, "The bucket you tried to delete is not empty")
        .with("BucketName", bucket);
  }
  buckets_.erase(bucket);
}

void ObjectStore::set_notification_rules(const std::string& bucket, NotificationRules rules) {
  auto shared =
      rules.empty() ? nullptr : std::make_shared<const NotificationRules>(std::move(rules));
  std::lock_guard lock(mutex_);
  bucket_or_throw(bucket).notifications = std::move(shared);
}

std::shared_ptr<const NotificationRules> ObjectStore::notification_rules(
    const std::string& bucket) const {
  std::lock_guard lock(mutex_);
  return bucket_or_throw(bucket).notifications;
}

ObjectInfo ObjectStore::put_object(const std::string& bucket, const std::string& key,
                                   std::string body, std::string content_type, Metadata metadata,
                                   std::string_view checked_sha256,
                                   std::optional<ObjectChecksum> checksum,
                                   std::shared_ptr<const TagSet> tags) {
  ObjectInfo object;
  object.checksum = std::move(checksum);
  object.size = body.size();
  if (discard_ && checked_sha256.size() >= 32) {
    object.etag.assign(checked_sha256.data(), 32);
    for (auto& c : object.etag) c = ascii::lower(c);
  } else {
    object.etag = hex::encode(md5(body));
  }
  object.content_type = std::move(content_type);
  object.metadata = std::move(metadata);
  object.tags = std::move(tags);
  if (!discard_) object.body = std::make_shared<const std::string>(std::move(body));
  std::lock_guard lock(mutex_);
  object.last_modified = Clock::now();
  bucket_or_throw(bucket).put(key, object, next_version_);
  return object;
}

void ObjectStore::prefetch(const std::string& bucket, std::string_view key) const {
  std::lock_guard lock(mutex_);
  const auto it = buckets_.find(bucket);
  if (it != buckets_.end()) it->second.objects.prefetch(key);
}

ObjectInfo ObjectStore::get_object(const std::string& bucket, const std::string& key) const {
  std::lock_guard lock(mutex_);
  const Bucket& found = bucket_or_throw(bucket);
  const ObjectInfo* object = found.objects.find(key);
  if (object == nullptr) no_such_key(key);
  return *object;
}

ObjectInfo ObjectStore::get_object(const std::string& bucket, const std::string& key,
                                   bool& bucket_versioned) const {
  std::lock_guard lock(mutex_);
  const Bucket& found = bucket_or_throw(bucket);
  bucket_versioned = found.versioning != Versioning::kUnversioned;
  const ObjectInfo* object = found.objects.find(key);
  if (object == nullptr) no_such_key(key);
  return *object;
}

std::optional<VersionNumber> ObjectStore::latest_delete_marker(const std::string& bucket,
                                                               const std::string& key) const {
  std::lock_guard lock(mutex_);
  const Bucket& found = bucket_or_throw(bucket);
  const auto it = found.history.find(key);
  if (it == found.history.end() || it->second.empty() || !it->second.back().delete_marker) {
    return std::nullopt;
  }
  return it->second.back().object.version;
}

ObjectVersion ObjectStore::get_version(const std::string& bucket, const std::string& key,
                                       VersionNumber version) const {
  std::lock_guard lock(mutex_);
  const Bucket& found = bucket_or_throw(bucket);
  if (const auto it = found.history.find(key); it != found.history.end()) {
    for (const auto& entry : it->second) {
      if (entry.object.version == version) return entry;
    }
    no_such_version(key, version);
  }
  const ObjectInfo* object = found.objects.find(key);
  if (object == nullptr || object->version != version) no_such_version(key, version);
  return {*object, false};
}

ObjectInfo ObjectStore::copy_object(const std::string& source_bucket, const std::string& source_key,
                                    std::optional<VersionNumber> source_version,
                                    const std::string& bucket, const std::string& key,
                                    std::optional<std::pair<std::string, Metadata>> replacement,
                                    std::optional<std::shared_ptr<const TagSet>> tags) {
  ObjectInfo copy;
  if (source_version) {
    const ObjectVersion found = get_version(source_bucket, source_key, *source_version);
    if (found.delete_marker) {
      throw S3Error(ErrorCode::kInvalidRequest,
                    "The source of a copy request may not specifically refer to a delete marker "
                    "by version id.");
    }
    copy = found.object;
  }
  std::lock_guard lock(mutex_);
  if (!source_version) {
    const ObjectInfo* original = bucket_or_throw(source_bucket).objects.find(source_key);
    if (original == nullptr) no_such_key(source_key);
    copy = *original;  // the body is shared, not copied
  }
  if (replacement) {
    copy.content_type = std::move(replacement->first);
    copy.metadata = std::move(replacement->second);
  }
  if (tags) copy.tags = std::move(*tags);
  copy.version = 0;
  copy.last_modified = Clock::now();
  bucket_or_throw(bucket).put(key, copy, next_version_);
  return copy;
}

DeleteOutcomeInfo ObjectStore::delete_object(const std::string& bucket, const std::string& key,
                                             std::optional<VersionNumber> version) {
  std::vector<ObjectVersion> released;  // bodies freed after the lock is dropped
  std::shared_ptr<const std::string> released_body;
  DeleteOutcomeInfo outcome;
  std::lock_guard lock(mutex_);
  Bucket& found = bucket_or_throw(bucket);
  outcome.versioned = found.versioning != Versioning::kUnversioned;
  const auto history = found.history.find(key);
  if (!version && found.versioning != Versioning::kUnversioned) {
    auto& versions = found.history_of(key);
    ObjectVersion marker;
    marker.delete_marker = true;
    marker.object.version = found.versioning == Versioning::kEnabled ? next_version_++ : 0;
    marker.object.last_modified = Clock::now();
    if (marker.object.version == 0) drop_null_version(versions);
    versions.push_back(marker);
    outcome.existed = found.erase(key);
    outcome.delete_marker = true;
    outcome.version = marker.object.version;
    return outcome;
  }
  if (history == found.history.end()) {
    // No history: the key has at most its one version, the null one.
    if (version) outcome.version = *version;
    ObjectInfo* object = found.objects.find(key);
    if (object == nullptr || (version && *version != object->version)) return outcome;
    released_body = std::move(object->body);
    outcome.existed = found.erase(key);
    return outcome;
  }
  auto& versions = history->second;
  const auto it = std::find_if(versions.begin(), versions.end(), [&](const ObjectVersion& entry) {
    return entry.object.version == *version;
  });
  outcome.version = *version;
  if (it == versions.end()) return outcome;
  outcome.existed = true;
  outcome.delete_marker = it->delete_marker;
  const bool was_newest = it + 1 == versions.end();
  released.push_back(std::move(*it));
  versions.erase(it);
  if (was_newest) found.refresh_current(key, versions);
  if (versions.empty()) found.history.erase(history);
  return outcome;
}

ObjectInfo ObjectStore::set_tags(const std::string& bucket, const std::string& key,
                                 std::optional<VersionNumber> version,
                                 std::shared_ptr<const TagSet> tags) {
  std::lock_guard lock(mutex_);
  Bucket& found = bucket_or_throw(bucket);
  ObjectInfo* current = found.objects.find(key);
  const auto history = found.history.find(key);
  ObjectInfo* target = nullptr;
  if (history != found.history.end()) {
    ObjectVersion* entry =
        version ? find_version(history->second, *version) : &history->second.back();
    if (entry == nullptr) no_such_version(key, *version);
    if (!version && entry->delete_marker) no_such_key(key);
    if (entry->delete_marker) {
      throw S3Error(ErrorCode::kMethodNotAllowed,
                    "The specified method is not allowed against this resource.")
          .with("Method", "PUT")
          .with("ResourceType", "DeleteMarker");
    }
    entry->object.tags = tags;
    target = &entry->object;
  }
  if (current != nullptr && (!version || current->version == *version)) {
    current->tags = tags;
    if (target == nullptr) target = current;
  }
  if (target == nullptr) {
    if (version) no_such_version(key, *version);
    no_such_key(key);
  }
  return *target;
}

void ObjectStore::set_versioning(const std::string& bucket, Versioning state) {
  std::lock_guard lock(mutex_);
  bucket_or_throw(bucket).versioning = state;
}

Versioning ObjectStore::versioning(const std::string& bucket) const {
  std::lock_guard lock(mutex_);
  return bucket_or_throw(bucket).versioning;
}

ListVersionsResult ObjectStore::list_versions(const std::string& bucket,
                                              const ListVersionsRequest& request) const {
  std::optional<VersionNumber> after_version;
  if (!request.version_id_marker.empty()) {
    if (request.key_marker.empty()) {
      throw S3Error(ErrorCode::kInvalidArgument,
                    "A version-id marker cannot be specified without a key marker.")
          .with("ArgumentName", "version-id-marker");
    }
    after_version = parse_version_id(request.version_id_marker);
  }
  const int max_keys = std::clamp(request.max_keys, 0, 1000);
  ListVersionsResult result;
  std::lock_guard lock(mutex_);
  const Bucket& listed = bucket_or_throw(bucket);

  // Every key with a version: those with a history, and those with only their null version.
  std::vector<std::string_view> keys;
  for (const auto& [key, versions] : listed.history) keys.push_back(key);
  for (const auto* entry : listed.in_key_order()) {
    if (!listed.history.contains(entry->key)) keys.push_back(entry->key);
  }
  std::sort(keys.begin(), keys.end());

  const auto add = [&](std::string_view key, const ObjectVersion& version, bool latest) {
    if (static_cast<int>(result.versions.size()) == max_keys) {
      result.truncated = true;
      return false;
    }
    result.versions.push_back({std::string(key), version, latest});
    return true;
  };
  for (const std::string_view key : keys) {
    if (!key.starts_with(request.prefix)) continue;
    if (!request.key_marker.empty() && key < request.key_marker) continue;
    if (key == request.key_marker && !after_version) continue;
    // Newest first; past the marker's version when resuming within this key.
    bool skipping = key == request.key_marker;
    bool more = true;
    const auto history = listed.history.find(key);
    if (history == listed.history.end()) {
      more = skipping || add(key, {*listed.objects.find(key), false}, true);
    } else {
      const auto& versions = history->second;
      for (auto it = versions.rbegin(); it != versions.rend() && more; ++it) {
        if (skipping) {
          skipping = it->object.version != *after_version;
          continue;
        }
        more = add(key, *it, it == versions.rbegin());
      }
    }
    if (!more) break;
  }
  if (result.truncated && !result.versions.empty()) {
    result.next_key_marker = result.versions.back().key;
    result.next_version_id_marker = version_id_text(result.versions.back().version.object.version);
  }
  return result;
}

ListResult ObjectStore::list_objects(const std::string& bucket, const ListRequest& request) const {
  std::optional<std::string> resume;
  if (!request.continuation_token.empty()) {
    resume = read_token(request.continuation_token);
    if (!resume) {
      throw S3Error(ErrorCode::kInvalidArgument, "The continuation token provided is incorrect")
          .with("ArgumentName", "continuation-token");
    }
  }
  const int max_keys = std::clamp(request.max_keys, 0, 1000);

  ListResult result;
  std::lock_guard lock(mutex_);
  const Bucket& listed = bucket_or_throw(bucket);

  std::string after = request.start_after;
  std::string skip_prefix;  // a common prefix already returned: none of its keys come again
  if (resume) {
    const std::string last = resume->substr(1);
    if (last > after) after = last;
    if ((*resume)[0] == 'P') skip_prefix = last;
  }
  const auto key_less = [](const ObjectMap::Entry* entry, const std::string& key) {
    return entry->key < key;
  };
  const auto key_greater = [](const std::string& key, const ObjectMap::Entry* entry) {
    return key < entry->key;
  };
  const auto& ordered = listed.in_key_order();
  auto it = after.empty()
                ? std::lower_bound(ordered.begin(), ordered.end(), request.prefix, key_less)
                : std::upper_bound(ordered.begin(), ordered.end(), after, key_greater);
  if (!request.prefix.empty() && it != ordered.end() && (*it)->key < request.prefix) {
    it = std::lower_bound(ordered.begin(), ordered.end(), request.prefix, key_less);
  }

  int returned = 0;
  std::string last_item;
  char last_kind = 'K';
  for (; it != ordered.end(); ++it) {
    const std::string& key = (*it)->key;
    const ObjectInfo& object = (*it)->value;
    if (key.compare(0, request.prefix.size(), request.prefix) != 0) break;  // past the prefix
    if (!skip_prefix.empty() && key.compare(0, skip_prefix.size(), skip_prefix) == 0) continue;

    std::string common;
    if (!request.delimiter.empty()) {
      const auto at = key.find(request.delimiter, request.prefix.size());
      if (at != std::string::npos) common = key.substr(0, at + request.delimiter.size());
    }
    if (!common.empty() && !result.common_prefixes.empty() &&
        result.common_prefixes.back() == common) {
      continue;  // rolled up into the prefix we already have
    }
    if (returned == max_keys) {
      result.truncated = true;
      break;
    }
    if (common.empty()) {
      result.contents.push_back({key, object.size, std::string(object.etag), object.last_modified});
      last_item = key;
      last_kind = 'K';
    } else {
      result.common_prefixes.push_back(common);
      last_item = common;
      last_kind = 'P';
      skip_prefix = common;
    }
    ++returned;
  }
  if (result.truncated) result.next_continuation_token = make_token(last_kind, last_item);
  return result;
}

std::string ObjectStore::create_upload(const std::string& bucket, const std::string& key,
                                       std::string content_type, Metadata metadata,
                                       std::optional<UploadChecksumPlan> checksum,
                                       std::shared_ptr<const TagSet> tags) {
  std::lock_guard lock(mutex_);
  bucket_or_throw(bucket);
  // Unpredictable enough for a test target, and unique within the process.
  const std::string id =
      hex::encode(md5(bucket + '\n' + key + '\n' + std::to_string(next_upload_++) +
                      std::to_string(Clock::now().time_since_epoch().count())));
  Upload& upload = uploads_[id];
  upload.bucket = bucket;
  upload.key = key;
  upload.content_type = std::move(content_type);
  upload.metadata = std::move(metadata);
  upload.tags = std::move(tags);
  upload.initiated = Clock::now();
  upload.checksum = checksum;
  return id;
}

PartInfo ObjectStore::upload_part(const std::string& bucket, const std::string& key,
                                  const std::string& upload_id, int part_number, std::string body,
                                  std::optional<ObjectChecksum> checksum) {
  if (part_number < 1 || part_number > 10000) {
    throw S3Error(ErrorCode::kInvalidArgument,
                  "Part number must be an integer between 1 and 10000, inclusive")
        .with("ArgumentName", "partNumber");
  }
  StoredPart part;
  part.md5 = md5(body);
  part.info.number = part_number;
  part.info.size = body.size();
  part.info.etag = hex::encode(part.md5);
  part.info.checksum = std::move(checksum);
  if (!discard_) part.body = std::make_shared<const std::string>(std::move(body));
  std::lock_guard lock(mutex_);
  part.info.last_modified = Clock::now();
  upload_or_throw(bucket, key, upload_id).parts.insert_or_assign(part_number, part);
  return part.info;
}

void ObjectStore::check_declared_object_checksum(
    const std::pair<ChecksumAlgorithm, std::string_view>& declared, const ObjectChecksum& actual) {
  const auto [algorithm, value] = declared;
  if (algorithm != actual.algorithm) {
    throw S3Error(ErrorCode::kInvalidRequest,
                  "Checksum Type mismatch occurred, expected checksum Type: " +
                      ascii::lower_copy(checksum_name(actual.algorithm)) +
                      ", actual checksum Type: " + ascii::lower_copy(checksum_name(algorithm)));
  }
  // A composite may be named with or without its "-<parts>" suffix.
  const std::string_view whole = actual.value;
  const bool same =
      value == whole || (actual.composite && value == whole.substr(0, whole.rfind('-')));
  if (!same) {
    throw S3Error(ErrorCode::kBadDigest, "The " + std::string(checksum_name(algorithm)) +
                                             " you specified did not match the calculated "
                                             "checksum.");
  }
}

void ObjectStore::require_part_checksums(const UploadChecksumPlan& plan,
                                         const std::vector<CompletePart>& named,
                                         const std::vector<StoredPart>& parts) {
  if (plan.full_object) return;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    if (!part.info.checksum || part.info.checksum->algorithm != plan.algorithm ||
        !named[i].checksum) {
      throw S3Error(ErrorCode::kInvalidRequest,
                    "The upload was created using a " + std::string(checksum_name(plan.algorithm)) +
                        " checksum. The complete request must include the checksum for each part. "
                        "It was missing for part " +
                        std::to_string(part.info.number) + " in the request.");
    }
  }
}

std::optional<ObjectChecksum> ObjectStore::upload_checksum(
    const UploadChecksumPlan& plan, const std::vector<StoredPart>& parts,
    const std::shared_ptr<const std::string>& body) {
  if (plan.full_object) {
    if (!body) return std::nullopt;  // discard mode keeps no bytes to checksum
    return ObjectChecksum{plan.algorithm, checksum_base64(plan.algorithm, *body), false};
  }
  std::vector<std::string_view> values;
  values.reserve(parts.size());
  for (const auto& part : parts) values.push_back(part.info.checksum->value);
  return composite_checksum(plan.algorithm, values);
}

ObjectInfo ObjectStore::complete_upload(
    const std::string& bucket, const std::string& key, const std::string& upload_id,
    const std::vector<CompletePart>& parts,
    std::optional<std::pair<ChecksumAlgorithm, std::string_view>> declared) {
  if (parts.empty()) {
    throw S3Error(ErrorCode::kMalformedXML,
                  "The XML you provided was not well-formed or did not validate against our "
                  "published schema");
  }
  std::vector<StoredPart> chosen;
  Upload upload;
  {
    std::lock_guard lock(mutex_);
    Upload& open = upload_or_throw(bucket, key, upload_id);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0 && parts[i].number <= parts[i - 1].number) {
        throw S3Error(ErrorCode::kInvalidPartOrder,
                      "The list of parts was not in ascending order. The parts list must be "
                      "specified in order by part number.");
      }
      const auto found = open.parts.find(parts[i].number);
      // A part checksum the request names must be the one the part was stored with.
      const bool checksum_differs =
          found != open.parts.end() && parts[i].checksum &&
          (!found->second.info.checksum ||
           found->second.info.checksum->algorithm != parts[i].checksum->first ||
           found->second.info.checksum->value != parts[i].checksum->second);
      if (found == open.parts.end() || found->second.info.etag != strip_quotes(parts[i].etag) ||
          checksum_differs) {
        throw S3Error(ErrorCode::kInvalidPart,
                      "One or more of the specified parts could not be found. The part may not "
                      "have been uploaded, or the specified entity tag may not match the part's "
                      "entity tag.")
            .with("UploadId", upload_id)
            .with("PartNumber", std::to_string(parts[i].number))
            .with("ETag", parts[i].etag);
      }
      chosen.push_back(found->second);
    }
    for (std::size_t i = 0; i + 1 < chosen.size(); ++i) {
      if (chosen[i].info.size < kMinPartSize) {
        throw S3Error(ErrorCode::kEntityTooSmall,
                      "Your proposed upload is smaller than the minimum allowed object size.")
            .with("ProposedSize", std::to_string(chosen[i].info.size))
            .with("MinSizeAllowed", std::to_string(kMinPartSize))
            .with("PartNumber", std::to_string(chosen[i].info.number))
            .with("ETag", chosen[i].info.etag);
      }
    }
    if (open.checksum) require_part_checksums(*open.checksum, parts, chosen);
    upload = std::move(open);
    uploads_.erase(upload_id);
  }

  // S3's multipart ETag: the MD5 of the concatenated binary part MD5s, then "-<part count>".
  std::string digests;
  digests.reserve(chosen.size() * 16);
  ObjectInfo object;
  for (const auto& part : chosen) {
    digests.append(reinterpret_cast<const char*>(part.md5.data()), part.md5.size());
    object.size += part.info.size;
  }
  object.etag = hex::encode(md5(digests)) + '-' + std::to_string(chosen.size());
  if (!discard_) {
    std::string body;
    body.reserve(object.size);
    for (const auto& part : chosen) body += *part.body;
    object.body = std::make_shared<const std::string>(std::move(body));
  }
  if (upload.checksum) {
    object.checksum = upload_checksum(*upload.checksum, chosen, object.body);
  } else if (object.body) {
    object.checksum = default_checksum(*object.body);  // not under --discard: no bytes kept
  }
  if (declared && object.checksum) {
    try {
      check_declared_object_checksum(*declared, *object.checksum);
    } catch (const S3Error&) {
      // S3 keeps the upload open after a failed Complete, so the client can complete it again.
      std::lock_guard lock(mutex_);
      uploads_.emplace(upload_id, std::move(upload));
      throw;
    }
  }
  object.content_type = std::move(upload.content_type);
  object.metadata = std::move(upload.metadata);
  object.tags = std::move(upload.tags);
  std::lock_guard lock(mutex_);
  object.last_modified = Clock::now();
  bucket_or_throw(bucket).put(key, object, next_version_);
  return object;
}

void ObjectStore::abort_upload(const std::string& bucket, const std::string& key,
                               const std::string& upload_id) {
  std::lock_guard lock(mutex_);
  upload_or_throw(bucket, key, upload_id);
  uploads_.erase(upload_id);
}

std::vector<UploadInfo> ObjectStore::list_uploads(const std::string& bucket,
                                                  const std::string& prefix) const {
  std::lock_guard lock(mutex_);
  bucket_or_throw(bucket);
  std::vector<UploadInfo> out;
  for (const auto& [id, upload] : uploads_) {
    if (upload.bucket == bucket && upload.key.compare(0, prefix.size(), prefix) == 0) {
      out.push_back({upload.key, id, upload.initiated});
    }
  }
  std::sort(out.begin(), out.end(), [](const UploadInfo& a, const UploadInfo& b) {
    return std::tie(a.key, a.initiated) < std::tie(b.key, b.initiated);
  });
  return out;
}

PartListing ObjectStore::list_parts(const std::string& bucket, const std::string& key,
                                    const std::string& upload_id) const {
  std::lock_guard lock(mutex_);
  const Upload& upload = upload_or_throw(bucket, key, upload_id);
  PartListing out{{}, upload.checksum};
  for (const auto& [number, part] : upload.parts) out.parts.push_back(part.info);
  return out;
}

}  // namespace s3storm::target
