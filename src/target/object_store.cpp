#include "target/object_store.hpp"

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

}  // namespace

bool is_valid_bucket_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '.' || c == '-'; });
}

void ObjectStore::Bucket::put(const std::string& key, ObjectInfo object) {
  if (objects.insert_or_assign(key, std::move(object))) sorted_valid = false;
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
  if (!found.objects.empty() || has_uploads) {
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
                                   std::string_view body, std::string content_type,
                                   Metadata metadata, std::string_view checked_sha256,
                                   std::optional<ObjectChecksum> checksum) {
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
  if (!discard_) object.body = std::make_shared<const std::string>(body);
  std::lock_guard lock(mutex_);
  object.last_modified = Clock::now();
  bucket_or_throw(bucket).put(key, object);
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
  if (object == nullptr) {
    throw S3Error(ErrorCode::kNoSuchKey, "The specified key does not exist.").with("Key", key);
  }
  return *object;
}

ObjectInfo ObjectStore::copy_object(const std::string& source_bucket, const std::string& source_key,
                                    const std::string& bucket, const std::string& key,
                                    std::optional<std::pair<std::string, Metadata>> replacement) {
  std::lock_guard lock(mutex_);
  const Bucket& source = bucket_or_throw(source_bucket);
  const ObjectInfo* original = source.objects.find(source_key);
  if (original == nullptr) {
    throw S3Error(ErrorCode::kNoSuchKey, "The specified key does not exist.")
        .with("Key", source_key);
  }
  ObjectInfo copy = *original;  // the body is shared, not copied
  if (replacement) {
    copy.content_type = std::move(replacement->first);
    copy.metadata = std::move(replacement->second);
  }
  copy.last_modified = Clock::now();
  bucket_or_throw(bucket).put(key, copy);
  return copy;
}

bool ObjectStore::delete_object(const std::string& bucket, const std::string& key) {
  std::shared_ptr<const std::string> released;  // freed after the lock is dropped
  std::lock_guard lock(mutex_);
  Bucket& found = bucket_or_throw(bucket);
  ObjectInfo* object = found.objects.find(key);
  if (object == nullptr) return false;
  released = std::move(object->body);
  found.erase(key);
  return true;
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
                                       std::optional<UploadChecksumPlan> checksum) {
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

void ObjectStore::require_part_checksums(const UploadChecksumPlan& plan,
                                         const std::vector<StoredPart>& parts) {
  if (plan.full_object) return;
  for (const auto& part : parts) {
    if (!part.info.checksum || part.info.checksum->algorithm != plan.algorithm) {
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

ObjectInfo ObjectStore::complete_upload(const std::string& bucket, const std::string& key,
                                        const std::string& upload_id,
                                        const std::vector<CompletePart>& parts) {
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
      if (found == open.parts.end() || found->second.info.etag != strip_quotes(parts[i].etag)) {
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
    if (open.checksum) require_part_checksums(*open.checksum, chosen);
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
  object.content_type = std::move(upload.content_type);
  object.metadata = std::move(upload.metadata);
  if (!discard_) {
    std::string body;
    body.reserve(object.size);
    for (const auto& part : chosen) body += *part.body;
    object.body = std::make_shared<const std::string>(std::move(body));
  }
  if (upload.checksum) object.checksum = upload_checksum(*upload.checksum, chosen, object.body);
  std::lock_guard lock(mutex_);
  object.last_modified = Clock::now();
  bucket_or_throw(bucket).put(key, object);
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

std::vector<PartInfo> ObjectStore::list_parts(const std::string& bucket, const std::string& key,
                                              const std::string& upload_id) const {
  std::lock_guard lock(mutex_);
  std::vector<PartInfo> out;
  for (const auto& [number, part] : upload_or_throw(bucket, key, upload_id).parts) {
    out.push_back(part.info);
  }
  return out;
}

}  // namespace s3storm::target
