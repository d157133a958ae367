#include "target/object_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "s3_error_of.hpp"
#include "target/s3_error.hpp"

namespace s3storm::target {
namespace {

using ::testing::ElementsAre;

using test_support::code_of;

TEST(ObjectStore, PutThenGetKeepsBytesAndMd5Etag) {
  ObjectStore store;
  store.create_bucket("bucket");
  const auto put = store.put_object("bucket", "k", "hello", "text/plain", {{"x-amz-meta-a", "1"}});
  EXPECT_EQ(put.etag, "5d41402abc4b2a76b9719d911017c592");
  const auto got = store.get_object("bucket", "k");
  ASSERT_TRUE(got.body);
  EXPECT_EQ(*got.body, "hello");
  EXPECT_EQ(got.size, 5u);
  EXPECT_EQ(got.content_type, "text/plain");
  EXPECT_THAT(got.metadata, ElementsAre(std::pair<std::string, std::string>{"x-amz-meta-a", "1"}));
}

TEST(ObjectStore, DiscardModeKeepsSizeAndEtagOnly) {
  ObjectStore store(/*discard_bodies=*/true);
  store.create_bucket("bucket");
  store.put_object("bucket", "k", "hello", "", {});
  const auto got = store.get_object("bucket", "k");
  EXPECT_FALSE(got.body);
  EXPECT_EQ(got.size, 5u);
  EXPECT_EQ(got.etag, "5d41402abc4b2a76b9719d911017c592");
}

TEST(ObjectStore, DiscardModeTakesTheEtagFromACheckedSha256) {
  // SHA-256("hello"), as a client would declare it in x-amz-content-sha256 (any case).
  const std::string sha256 = "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824";
  ObjectStore discarding(/*discard_bodies=*/true);
  discarding.create_bucket("bucket");
  EXPECT_EQ(discarding.put_object("bucket", "k", "hello", "", {}, sha256).etag,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e");
  EXPECT_EQ(discarding.get_object("bucket", "k").etag, "2cf24dba5fb0a30e26e83b2ac5b9e29e");
  // Objects that are kept always get S3's MD5 ETag.
  ObjectStore keeping;
  keeping.create_bucket("bucket");
  EXPECT_EQ(keeping.put_object("bucket", "k", "hello", "", {}, sha256).etag,
            "5d41402abc4b2a76b9719d911017c592");
}

TEST(ObjectStore, BucketErrorsUseS3Codes) {
  ObjectStore store;
  EXPECT_EQ(code_of([&] { store.head_bucket("missing"); }), ErrorCode::kNoSuchBucket);
  EXPECT_EQ(code_of([&] { store.create_bucket("Bad_Name"); }), ErrorCode::kInvalidBucketName);
  store.create_bucket("bucket");
  EXPECT_EQ(code_of([&] { store.create_bucket("bucket"); }), ErrorCode::kBucketAlreadyOwnedByYou);
  EXPECT_EQ(code_of([&] { store.get_object("bucket", "nope"); }), ErrorCode::kNoSuchKey);
  store.put_object("bucket", "k", "x", "", {});
  EXPECT_EQ(code_of([&] { store.delete_bucket("bucket"); }), ErrorCode::kBucketNotEmpty);
  EXPECT_TRUE(store.delete_object("bucket", "k").existed);
  EXPECT_FALSE(store.delete_object("bucket", "k").existed);
  store.delete_bucket("bucket");
  EXPECT_TRUE(store.list_buckets().empty());
}

TEST(ObjectStore, CopySharesBodyAndCanReplaceMetadata) {
  ObjectStore store;
  store.create_bucket("src");
  store.create_bucket("dst");
  store.put_object("src", "a", "payload", "text/plain", {{"x-amz-meta-a", "1"}});
  const auto kept = store.copy_object("src", "a", std::nullopt, "dst", "b", std::nullopt);
  EXPECT_EQ(kept.content_type, "text/plain");
  EXPECT_EQ(kept.body, store.get_object("src", "a").body);  // same buffer, not a copy
  const auto replaced = store.copy_object("src", "a", std::nullopt, "dst", "c",
                                          std::make_pair(std::string("x/y"), Metadata{}));
  EXPECT_EQ(replaced.content_type, "x/y");
  EXPECT_TRUE(replaced.metadata.empty());
  EXPECT_EQ(replaced.etag, kept.etag);
}

class Multipart : public ::testing::Test {
 protected:
  void SetUp() override {
    store.create_bucket("bucket");
    id = store.create_upload("bucket", "big", "application/x", {});
  }
  ObjectStore store;
  std::string id;
  const std::string first = std::string(kMinPartSize, 'a');
};

TEST_F(Multipart, EtagIsMd5OfPartMd5sWithPartCount) {
  const auto p1 = store.upload_part("bucket", "big", id, 1, first);
  const auto p2 = store.upload_part("bucket", "big", id, 2, "b");
  EXPECT_EQ(p1.etag, "79b281060d337b9b2b84ccf390adcf74");
  EXPECT_EQ(p2.etag, "92eb5ffee6ae2fec3ad71c777531578f");
  // Known answer, computed independently with Python's hashlib.
  const auto object =
      store.complete_upload("bucket", "big", id, {{1, "\"" + p1.etag + "\""}, {2, p2.etag}});
  EXPECT_EQ(object.etag, "e5a8c5272b26fc10581a21089559b006-2");
  EXPECT_EQ(object.size, kMinPartSize + 1);
  const auto got = store.get_object("bucket", "big");
  EXPECT_EQ(got.content_type, "application/x");
  EXPECT_EQ(got.body->size(), kMinPartSize + 1);
  EXPECT_EQ(got.body->back(), 'b');
  EXPECT_EQ(code_of([&] { store.list_parts("bucket", "big", id); }), ErrorCode::kNoSuchUpload);
}

TEST_F(Multipart, ListsUploadsAndParts) {
  store.upload_part("bucket", "big", id, 2, "two");
  store.upload_part("bucket", "big", id, 1, "one");
  const auto parts = store.list_parts("bucket", "big", id).parts;
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].number, 1);
  EXPECT_EQ(parts[1].size, 3u);
  const auto uploads = store.list_uploads("bucket", "");
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].upload_id, id);
  EXPECT_TRUE(store.list_uploads("bucket", "other").empty());
  store.abort_upload("bucket", "big", id);
  EXPECT_TRUE(store.list_uploads("bucket", "").empty());
}

TEST_F(Multipart, RejectsSmallPartsBadOrderUnknownPartsAndUploads) {
  const auto small = store.upload_part("bucket", "big", id, 1, "tiny");
  const auto last = store.upload_part("bucket", "big", id, 2, "end");
  EXPECT_EQ(code_of([&] {
              store.complete_upload("bucket", "big", id, {{1, small.etag}, {2, last.etag}});
            }),
            ErrorCode::kEntityTooSmall);
  EXPECT_EQ(code_of([&] {
              store.complete_upload("bucket", "big", id, {{2, last.etag}, {1, small.etag}});
            }),
            ErrorCode::kInvalidPartOrder);
  EXPECT_EQ(code_of([&] {
              store.complete_upload("bucket", "big", id, {{1, last.etag}});
            }),
            ErrorCode::kInvalidPart);
  EXPECT_EQ(code_of([&] {
              store.complete_upload("bucket", "big", id, {{3, last.etag}});
            }),
            ErrorCode::kInvalidPart);
  EXPECT_EQ(code_of([&] { store.upload_part("bucket", "big", "nope", 1, "x"); }),
            ErrorCode::kNoSuchUpload);
  EXPECT_EQ(code_of([&] { store.upload_part("bucket", "other-key", id, 1, "x"); }),
            ErrorCode::kNoSuchUpload);
  EXPECT_EQ(code_of([&] { store.upload_part("bucket", "big", id, 0, "x"); }),
            ErrorCode::kInvalidArgument);
  // A single small part is fine: only parts before the last have a minimum.
  const auto object = store.complete_upload("bucket", "big", id, {{1, small.etag}});
  EXPECT_EQ(object.etag.substr(object.etag.size() - 2), "-1");
}

class Listing : public ::testing::Test {
 protected:
  void SetUp() override {
    store.create_bucket("bucket");
    for (const char* key : {"a/1", "a/2", "a/b/3", "b", "c/x", "c/y", "d"}) {
      store.put_object("bucket", key, "x", "", {});
    }
  }
  std::vector<std::string> keys(const ListResult& result) {
    std::vector<std::string> out;
    for (const auto& object : result.contents) out.push_back(object.key);
    return out;
  }
  ObjectStore store;
};

TEST_F(Listing, DelimiterRollsUpCommonPrefixes) {
  ListRequest request;
  request.delimiter = "/";
  const auto result = store.list_objects("bucket", request);
  EXPECT_THAT(keys(result), ElementsAre("b", "d"));
  EXPECT_THAT(result.common_prefixes, ElementsAre("a/", "c/"));
  EXPECT_FALSE(result.truncated);

  request.prefix = "a/";
  const auto inner = store.list_objects("bucket", request);
  EXPECT_THAT(keys(inner), ElementsAre("a/1", "a/2"));
  EXPECT_THAT(inner.common_prefixes, ElementsAre("a/b/"));
}

TEST_F(Listing, ContinuationWalksEveryItemOnceAcrossPages) {
  for (const std::string delimiter : {"", "/"}) {
    ListRequest request;
    request.delimiter = delimiter;
    request.max_keys = 1;
    std::vector<std::string> seen;
    int pages = 0;
    for (;;) {
      const auto page = store.list_objects("bucket", request);
      ++pages;
      for (const auto& object : page.contents) seen.push_back(object.key);
      for (const auto& prefix : page.common_prefixes) seen.push_back(prefix);
      if (!page.truncated) break;
      request.continuation_token = page.next_continuation_token;
      ASSERT_LT(pages, 20);
    }
    if (delimiter.empty()) {
      EXPECT_THAT(seen, ElementsAre("a/1", "a/2", "a/b/3", "b", "c/x", "c/y", "d"));
    } else {
      EXPECT_THAT(seen, ElementsAre("a/", "b", "c/", "d"));
    }
  }
}

TEST_F(Listing, PrefixStartAfterAndMaxKeys) {
  ListRequest request;
  request.prefix = "c/";
  EXPECT_THAT(keys(store.list_objects("bucket", request)), ElementsAre("c/x", "c/y"));
  request.start_after = "c/x";
  EXPECT_THAT(keys(store.list_objects("bucket", request)), ElementsAre("c/y"));
  request = {};
  request.start_after = "a";  // before the prefix: the prefix still bounds the walk
  request.prefix = "b";
  EXPECT_THAT(keys(store.list_objects("bucket", request)), ElementsAre("b"));
  request = {};
  request.max_keys = 3;
  const auto page = store.list_objects("bucket", request);
  EXPECT_THAT(keys(page), ElementsAre("a/1", "a/2", "a/b/3"));
  EXPECT_TRUE(page.truncated);
  request.continuation_token = "zz";
  EXPECT_EQ(code_of([&] { store.list_objects("bucket", request); }), ErrorCode::kInvalidArgument);
}

TEST_F(Listing, WritesBetweenListingsAreSeenInKeyOrder) {
  EXPECT_THAT(keys(store.list_objects("bucket", {})),
              ElementsAre("a/1", "a/2", "a/b/3", "b", "c/x", "c/y", "d"));
  store.put_object("bucket", "bb", "x", "", {});
  store.put_object("bucket", "0", "x", "", {});
  store.put_object("bucket", "b", "overwritten", "", {});  // an existing key: no new entry
  store.delete_object("bucket", "c/x");
  store.copy_object("bucket", "d", std::nullopt, "bucket", "e", std::nullopt);
  const auto listed = store.list_objects("bucket", {});
  EXPECT_THAT(keys(listed), ElementsAre("0", "a/1", "a/2", "a/b/3", "b", "bb", "c/y", "d", "e"));
  EXPECT_EQ(listed.contents[4].size, 11u);
}

}  // namespace
}  // namespace s3storm::target

namespace s3storm::target {
namespace {

std::vector<std::string> listed_versions(const ObjectStore& store, ListVersionsRequest request) {
  std::vector<std::string> out;
  for (const auto& entry : store.list_versions("bucket", request).versions) {
    out.push_back(entry.key + "@" + (entry.version.delete_marker ? "marker" : "v") +
                  (entry.is_latest ? "*" : ""));
  }
  return out;
}

TEST(ObjectStoreVersions, UnversionedBucketsKeepOneNullVersion) {
  ObjectStore store;
  store.create_bucket("bucket");
  EXPECT_EQ(store.versioning("bucket"), Versioning::kUnversioned);
  EXPECT_EQ(store.put_object("bucket", "k", "one", "", {}).version, 0u);
  store.put_object("bucket", "k", "two", "", {});
  EXPECT_EQ(*store.get_version("bucket", "k", 0).object.body, "two");
  const auto removed = store.delete_object("bucket", "k");
  EXPECT_TRUE(removed.existed);
  EXPECT_FALSE(removed.delete_marker);
  EXPECT_FALSE(removed.versioned);
  EXPECT_EQ(code_of([&] { store.get_object("bucket", "k"); }), ErrorCode::kNoSuchKey);
}

TEST(ObjectStoreVersions, EnabledBucketKeepsEveryVersionAndMarkers) {
  ObjectStore store;
  store.create_bucket("bucket");
  store.put_object("bucket", "k", "before", "", {});  // the null version, from before
  store.set_versioning("bucket", Versioning::kEnabled);
  const auto first = store.put_object("bucket", "k", "first", "", {});
  const auto second = store.put_object("bucket", "k", "second", "", {});
  EXPECT_NE(first.version, 0u);
  EXPECT_NE(first.version, second.version);
  EXPECT_EQ(*store.get_object("bucket", "k").body, "second");
  EXPECT_EQ(*store.get_version("bucket", "k", first.version).object.body, "first");
  EXPECT_EQ(*store.get_version("bucket", "k", 0).object.body, "before");

  const auto marker = store.delete_object("bucket", "k");
  EXPECT_TRUE(marker.delete_marker);
  EXPECT_TRUE(marker.versioned);
  EXPECT_NE(marker.version, second.version);
  EXPECT_EQ(code_of([&] { store.get_object("bucket", "k"); }), ErrorCode::kNoSuchKey);
  EXPECT_TRUE(store.get_version("bucket", "k", marker.version).delete_marker);
  EXPECT_TRUE(store.list_objects("bucket", {}).contents.empty());
  EXPECT_THAT(listed_versions(store, {}), ElementsAre("k@marker*", "k@v", "k@v", "k@v"));
  // The bucket is not empty while versions remain.
  EXPECT_EQ(code_of([&] { store.delete_bucket("bucket"); }), ErrorCode::kBucketNotEmpty);

  // Removing the marker brings the newest version back.
  const auto unmarked = store.delete_object("bucket", "k", marker.version);
  EXPECT_TRUE(unmarked.delete_marker);
  EXPECT_EQ(*store.get_object("bucket", "k").body, "second");
  // Removing the current version for good makes the one before it current.
  store.delete_object("bucket", "k", second.version);
  EXPECT_EQ(*store.get_object("bucket", "k").body, "first");
  EXPECT_EQ(code_of([&] { store.get_version("bucket", "k", second.version); }),
            ErrorCode::kNoSuchVersion);
  store.delete_object("bucket", "k", first.version);
  store.delete_object("bucket", "k", 0);
  EXPECT_TRUE(listed_versions(store, {}).empty());
  store.delete_bucket("bucket");
}

TEST(ObjectStoreVersions, SuspendedBucketReplacesTheNullVersion) {
  ObjectStore store;
  store.create_bucket("bucket");
  store.set_versioning("bucket", Versioning::kEnabled);
  const auto kept = store.put_object("bucket", "k", "kept", "", {});
  store.set_versioning("bucket", Versioning::kSuspended);
  EXPECT_EQ(store.put_object("bucket", "k", "null one", "", {}).version, 0u);
  EXPECT_EQ(store.put_object("bucket", "k", "null two", "", {}).version, 0u);
  EXPECT_THAT(listed_versions(store, {}), ElementsAre("k@v*", "k@v"));
  EXPECT_EQ(*store.get_version("bucket", "k", kept.version).object.body, "kept");
  const auto marker = store.delete_object("bucket", "k");
  EXPECT_TRUE(marker.delete_marker);
  EXPECT_EQ(marker.version, 0u);  // the null marker replaced the null version
  EXPECT_THAT(listed_versions(store, {}), ElementsAre("k@marker*", "k@v"));
}

TEST(ObjectStoreVersions, ListingPagesByKeyAndVersionMarkers) {
  ObjectStore store;
  store.create_bucket("bucket");
  store.put_object("bucket", "a", "plain", "", {});
  store.set_versioning("bucket", Versioning::kEnabled);
  std::vector<VersionNumber> b_versions;
  for (int i = 0; i < 3; ++i)
    b_versions.push_back(store.put_object("bucket", "b", "x", "", {}).version);
  store.put_object("bucket", "c/1", "y", "", {});

  ListVersionsRequest page;
  page.max_keys = 2;
  const auto first = store.list_versions("bucket", page);
  ASSERT_TRUE(first.truncated);
  EXPECT_EQ(first.versions[0].key, "a");
  EXPECT_EQ(first.versions[0].version.object.version, 0u);
  EXPECT_EQ(first.versions[1].key, "b");
  EXPECT_EQ(first.versions[1].version.object.version, b_versions[2]);  // newest first
  EXPECT_EQ(first.next_key_marker, "b");
  EXPECT_EQ(first.next_version_id_marker, version_id_text(b_versions[2]));

  page.key_marker = first.next_key_marker;
  page.version_id_marker = first.next_version_id_marker;
  const auto second = store.list_versions("bucket", page);
  ASSERT_EQ(second.versions.size(), 2u);
  EXPECT_EQ(second.versions[0].version.object.version, b_versions[1]);
  EXPECT_FALSE(second.versions[0].is_latest);
  EXPECT_EQ(second.versions[1].version.object.version, b_versions[0]);

  ListVersionsRequest after_b;
  after_b.key_marker = "b";
  EXPECT_THAT(listed_versions(store, after_b), ElementsAre("c/1@v*"));
  ListVersionsRequest prefixed;
  prefixed.prefix = "c/";
  EXPECT_THAT(listed_versions(store, prefixed), ElementsAre("c/1@v*"));
}

TEST(ObjectStoreVersions, VersionIdsAreCheckedWhenParsed) {
  EXPECT_EQ(parse_version_id(""), std::nullopt);
  EXPECT_EQ(parse_version_id("null"), VersionNumber{0});
  EXPECT_EQ(parse_version_id(version_id_text(0x1234ABCDu)), VersionNumber{0x1234ABCDu});
  EXPECT_EQ(version_id_text(0), "null");
  EXPECT_EQ(code_of([] { parse_version_id("nonexistent"); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([] { parse_version_id("0000000000000000"); }), ErrorCode::kInvalidArgument);
}

TEST(ObjectStoreTags, TagsFollowTheVersionAndCopies) {
  ObjectStore store;
  store.create_bucket("bucket");
  auto tags = std::make_shared<const TagSet>(TagSet{{"a", "1"}});
  store.put_object("bucket", "k", "x", "", {}, {}, {}, tags);
  EXPECT_EQ(*store.get_object("bucket", "k").tags, *tags);
  // Copies keep the source's tags unless replaced.
  EXPECT_EQ(*store.copy_object("bucket", "k", std::nullopt, "bucket", "kept", std::nullopt).tags,
            *tags);
  EXPECT_EQ(store
                .copy_object("bucket", "k", std::nullopt, "bucket", "bare", std::nullopt,
                             std::shared_ptr<const TagSet>())
                .tags,
            nullptr);
  store.set_tags("bucket", "k", std::nullopt, nullptr);
  EXPECT_EQ(store.get_object("bucket", "k").tags, nullptr);
  EXPECT_EQ(code_of([&] { store.set_tags("bucket", "nope", std::nullopt, tags); }),
            ErrorCode::kNoSuchKey);

  store.set_versioning("bucket", Versioning::kEnabled);
  const auto v1 = store.put_object("bucket", "k", "v1", "", {});
  store.put_object("bucket", "k", "v2", "", {});
  store.set_tags("bucket", "k", v1.version, tags);  // an older version
  EXPECT_EQ(store.get_object("bucket", "k").tags, nullptr);
  EXPECT_EQ(*store.get_version("bucket", "k", v1.version).object.tags, *tags);
  const auto marker = store.delete_object("bucket", "k");
  EXPECT_EQ(code_of([&] { store.set_tags("bucket", "k", std::nullopt, tags); }),
            ErrorCode::kNoSuchKey);
  EXPECT_EQ(code_of([&] { store.set_tags("bucket", "k", marker.version, tags); }),
            ErrorCode::kMethodNotAllowed);
}

TEST(ObjectStoreTags, MultipartUploadsKeepTheirTags) {
  ObjectStore store;
  store.create_bucket("bucket");
  auto tags = std::make_shared<const TagSet>(TagSet{{"a", "1"}});
  const auto id = store.create_upload("bucket", "k", "", {}, {}, tags);
  const auto part = store.upload_part("bucket", "k", id, 1, "body");
  const auto object = store.complete_upload("bucket", "k", id, {{1, part.etag}});
  EXPECT_EQ(*object.tags, *tags);
}

}  // namespace
}  // namespace s3storm::target
