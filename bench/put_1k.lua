-- wrk script for the peers benchmark (bench/peers.sh): unsigned 1 KiB PUTs, the same request
-- over and over, so wrk spends nothing per request beyond HTTP itself. This is the ceiling a
-- signing generator is measured against.
--   wrk -t1 -c64 -d5s -s bench/put_1k.lua http://127.0.0.1:PORT/

wrk.method = "PUT"
wrk.path = "/bench/wrk-object"
wrk.body = string.rep("x", 1024)
wrk.headers["Content-Type"] = "application/octet-stream"
