"""Mastodon.py, unmodified, against a running Notebridge.

Usage: python mastodon_py_smoke.py BASE_URL
Run by crates/server/tests/clients.rs, which starts the server on a free port.
Exits non-zero with a message on the first thing that does not work as a Mastodon client expects.
"""
import struct
import sys
import zlib

import requests
from mastodon import Mastodon, MastodonAPIError, MastodonUnauthorizedError

base = sys.argv[1]


def png(width, height, rgb):
    """A real PNG of one colour, made here so the test needs no image library."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok - {what}")


# App registration, as every client starts.
client_id, client_secret = Mastodon.create_app("mastodon-py smoke", api_base_url=base)
check(client_id and client_secret, "create_app returns client credentials")

# Registration through the API (client_credentials app token, then POST /api/v1/accounts).
anon = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
bob_token = anon.create_account("bob_smoke", "bob's long password", "bob@example.com", agreement=True, locale="en")
check(bob_token, "create_account returns a user token")
bob = Mastodon(access_token=bob_token, api_base_url=base)
bob_acct = bob.account_verify_credentials()
check(bob_acct.username == "bob_smoke", "bob's token verifies as bob")

anon.create_account("alice_smoke", "alice's long password", "alice@example.com", agreement=True, locale="zh-CN")

# Password login, by email as Mastodon expects.
alice = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
token = alice.log_in("alice@example.com", "alice's long password", allow_http=True)
check(token, "log_in with the password grant")
me = alice.account_verify_credentials()
check(me.username == "alice_smoke" and me.source.language == "zh-CN", "verify_credentials shows alice and her language")
check(alice.retrieve_mastodon_version().startswith("4.3"), "version is Mastodon-compatible")

# Post a note with two photos and read it back.
m1 = alice.media_post(png(64, 48, (200, 40, 40)), mime_type="image/png", description="红色 red")
m2 = alice.media_post(png(48, 64, (40, 40, 200)), mime_type="image/png", description="蓝色 blue")
check(m1.type == "image" and m1.meta.original.width == 64, "media_post uploads a photo")
posted = alice.status_post("今天的午饭 #美食 lunch", media_ids=[m1, m2])
check(posted.content and "美食" in posted.content, "status_post returns the rendered note")
check([m.id for m in posted.media_attachments] == [m1.id, m2.id], "the note carries both photos in order")
photo = requests.get(posted.media_attachments[0].url, timeout=10)
check(photo.status_code == 200 and photo.headers["content-type"].startswith("image/"), "the photo is served")
updated = alice.account_update_credentials(display_name="Alice 爱丽丝", avatar=png(96, 96, (10, 160, 90)),
                                           avatar_mime_type="image/png")
avatar = requests.get(updated.avatar, timeout=10)
check(updated.display_name == "Alice 爱丽丝" and avatar.status_code == 200
      and avatar.headers["content-type"].startswith("image/"),
      "account_update_credentials sets the display name and an avatar")
fetched = alice.status(posted.id)
check(fetched.id == posted.id, "status() reads it back")
home = alice.timeline_home()
mine = [s for s in home if s.id == posted.id]
check(mine and len(mine[0].media_attachments) == 2, "the note and its photos are in alice's home timeline")

# Follow bob; bob's notes reach alice's home.
rel = alice.account_follow(bob_acct.id)
check(rel.following, "account_follow says following")
bobs = bob.status_post("Hello from bob")
home = alice.timeline_home()
check(any(s.id == bobs.id for s in home), "bob's note is in alice's home timeline after the follow")
rels = alice.account_relationships([bob_acct.id])
check(rels[0].following, "account_relationships reports the follow")

# Favourite and bookmark bob's note; bob is notified.
fav = alice.status_favourite(bobs.id)
check(fav.favourited and fav.favourites_count == 1, "status_favourite marks it and counts it")
bm = alice.status_bookmark(bobs.id)
check(bm.bookmarked, "status_bookmark marks it")
check([s.id for s in alice.bookmarks()] == [bobs.id], "bookmarks() lists it")
check([s.id for s in alice.favourites()] == [bobs.id], "favourites() lists it")
check([a.id for a in bob.status_favourited_by(bobs.id)] == [me.id], "status_favourited_by shows alice")
kinds = [n.type for n in bob.notifications()]
check("favourite" in kinds and "follow" in kinds, "bob is notified of the follow and the favourite")
bob.notifications_clear()
check(len(bob.notifications()) == 0, "notifications_clear empties them")

# Comment on alice's note; it shows in the note's context and alice is notified.
comment = bob.status_post("好吃吗？ looks great", in_reply_to_id=posted.id)
check(comment.in_reply_to_id == posted.id, "a comment is a status replying to the note")
ctx = alice.status_context(posted.id)
check([s.id for s in ctx.descendants] == [comment.id], "status_context lists the comment")
check(any(n.type == "mention" and n.status.id == comment.id for n in alice.notifications()),
      "alice is notified of the comment as a mention")

# Paginate with max_id and with the Link header.
for i in range(5):
    alice.status_post(f"page test {i}")
first = alice.timeline_home(limit=2)
check(len(first) == 2, "limit=2 gives two notes")
second = alice.timeline_home(limit=2, max_id=first[-1].id)
check(len(second) == 2 and second[0].id < first[-1].id, "max_id gives the next older page")
via_link = alice.fetch_next(first)
check([s.id for s in via_link] == [s.id for s in second], "fetch_next follows the Link header to the same page")

# Someone else's note cannot be deleted; one's own can.
try:
    bob.status_delete(posted.id)
    check(False, "bob cannot delete alice's note")
except MastodonAPIError:
    check(True, "bob cannot delete alice's note")
alice.status_delete(posted.id)
try:
    alice.status(posted.id)
    check(False, "a deleted note is gone")
except MastodonAPIError:
    check(True, "a deleted note is gone")

# Revoke the token; it stops working.
alice.revoke_access_token(allow_http=True)
try:
    Mastodon(access_token=token, api_base_url=base).account_verify_credentials()
    check(False, "a revoked token is refused")
except MastodonUnauthorizedError:
    check(True, "a revoked token is refused")

print("mastodon.py smoke: all checks passed")
