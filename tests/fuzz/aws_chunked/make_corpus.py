#!/usr/bin/env python3
"""Writes the aws_chunked seed corpus: bodies chunk-signed like AWS's published examples (same key,
date, scope and seed signatures, small chunks, so a fuzz run gets past valid signatures to the
trailer), unsigned ones, and broken framing. Byte 0 and the piece sizes are the fuzz target's
(tests/fuzz/aws_chunked_fuzz.cpp). Run from anywhere; rewrites its own files in corpus/ (fuzzer finds kept there stay)."""
import hashlib
import hmac
import os
def hm(k, m): return hmac.new(k, m.encode(), hashlib.sha256).digest()
secret="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
k=hm(("AWS4"+secret).encode(),"20130524"); k=hm(k,"us-east-1"); k=hm(k,"s3"); k=hm(k,"aws4_request")
date="20130524T000000Z"; scope="20130524/us-east-1/s3/aws4_request"
empty=hashlib.sha256(b"").hexdigest()
def chunk_sig(prev, data):
    sts="\n".join(["AWS4-HMAC-SHA256-PAYLOAD",date,scope,prev,empty,hashlib.sha256(data).hexdigest()])
    return hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
def trailer_sig(prev, canon):
    sts="\n".join(["AWS4-HMAC-SHA256-TRAILER",date,scope,prev,hashlib.sha256(canon.encode()).hexdigest()])
    return hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
seed="4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
tseed="106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
# AWS's published first-chunk signatures: this chain is the one AWS documents.
assert chunk_sig(seed, b"a"*65536)=="ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
assert chunk_sig(tseed, b"a"*65536)=="b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2"
def body(chunks, prev=None, trailers=()):
    out=b""
    for c in list(chunks)+[b""]:
        ext=b""
        if prev is not None:
            s=chunk_sig(prev,c); prev=s; ext=b";chunk-signature="+s.encode()
        out+=b"%x"%len(c)+ext+b"\r\n"
        if c: out+=c+b"\r\n"
    for n,v in trailers: out+=f"{n}:{v}\r\n".encode()
    if trailers and prev is not None:
        canon="".join(f"{n}:{v}\n" for n,v in trailers)
        out+=b"x-amz-trailer-signature:"+trailer_sig(prev,canon).encode()+b"\r\n"
    return out+b"\r\n"
d=os.path.join(os.path.dirname(os.path.abspath(__file__)),"corpus")
os.makedirs(d, exist_ok=True)
def w(name, flags, b, sizes=()):
    open(os.path.join(d,name),"wb").write(bytes([flags | (len(sizes)<<2)])+bytes(sizes)+b)
crc=("x-amz-checksum-crc32c","sOO8/Q==")
w("signed-two-chunks", 1, body([b"hello", b" world"], seed))
w("signed-two-chunks-in-pieces", 1, body([b"hello", b" world"], seed), (1,7,3))
w("signed-trailer", 3, body([b"a"*64, b"b"*16], tseed, [crc]))
w("signed-trailer-two-headers", 3, body([b"xyz"], tseed, [crc, ("x-amz-checksum-sha256","47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hXuFQ=")]), (2,))
w("signed-empty", 1, body([], seed))
w("unsigned-trailer", 0, body([b"hello", b" world"], None, [("X-Amz-Checksum-CRC32","DUoRhQ==")]))
w("unsigned-in-bytes", 0, body([b"0123456789abcdef"*4], None, [crc]), (1,))
w("unsigned-no-trailer", 0, body([b"data"]))
w("bad-size", 0, b"zz\r\nhello\r\n0\r\n\r\n")
w("no-crlf-after-data", 0, b"5\r\nhelloXY0\r\n\r\n")
w("data-after-end", 0, b"0\r\n\r\nmore")
w("cut-short", 0, b"5\r\nhel")
w("bad-signature", 1, b"5;chunk-signature="+b"0"*64+b"\r\nhello\r\n0;chunk-signature="+b"0"*64+b"\r\n\r\n")
