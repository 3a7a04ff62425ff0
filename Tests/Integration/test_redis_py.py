"""redis-py, the most used Python client, against Swirl: transactions with
WATCH through Pipeline(transaction=True), and a RESP3 connection
(Redis(protocol=3)) whose typed replies redis-py decodes. PubSub and
client_tracking are in test_pubsub.py and test_tracking.py."""
import pytest
import redis


def test_pipeline_transaction_with_watch(swirl):
    r = redis.Redis(port=swirl.port)
    r.set("balance", 10)
    with r.pipeline(transaction=True) as pipe:
        pipe.watch("balance")
        current = int(pipe.get("balance"))
        pipe.multi()
        pipe.set("balance", current - 3)
        pipe.incr("spent", 3)
        pipe.lpush("log", "spend 3")
        assert pipe.execute() == [True, 3, 1]
    assert r.get("balance") == b"7"

    # A write from another client between WATCH and EXEC aborts the transaction.
    with r.pipeline(transaction=True) as pipe:
        pipe.watch("balance")
        redis.Redis(port=swirl.port).set("balance", 100)
        pipe.multi()
        pipe.set("balance", 0)
        with pytest.raises(redis.WatchError):
            pipe.execute()
    assert r.get("balance") == b"100"

    # transaction() retries until the watched key holds still.
    def double(pipe):
        value = int(pipe.get("balance"))
        pipe.multi()
        pipe.set("balance", value * 2)
    assert r.transaction(double, "balance") == [True]
    assert r.get("balance") == b"200"


def test_pipeline_transaction_errors(swirl):
    r = redis.Redis(port=swirl.port)
    r.set("text", "abc")
    with r.pipeline(transaction=True) as pipe:
        pipe.incr("text")  # fails when run, the rest still runs
        pipe.set("after", 1)
        with pytest.raises(redis.ResponseError):
            pipe.execute()
    assert r.get("after") == b"1"
    with r.pipeline(transaction=True) as pipe:
        pipe.execute_command("NOSUCHCOMMAND")  # refused while queueing: EXECABORT
        pipe.set("never", 1)
        with pytest.raises(redis.ResponseError):
            pipe.execute()
    assert r.exists("never") == 0


def test_resp3_connection_decodes_typed_replies(swirl):
    r = redis.Redis(port=swirl.port, protocol=3, decode_responses=True)
    r.hset("h", mapping={"a": "1", "b": "2"})
    assert r.hgetall("h") == {"a": "1", "b": "2"}
    r.sadd("s", "x", "y")
    assert r.smembers("s") == {"x", "y"}
    r.zadd("z", {"m": 1.5, "n": 2})
    assert r.zscore("z", "m") == 1.5
    assert r.zrange("z", 0, -1, withscores=True) == [["m", 1.5], ["n", 2.0]]
    assert r.incrbyfloat("f", 0.25) == 0.25
    assert r.get("missing") is None
    assert r.config_get("maxclients") == {"maxclients": "10000"}
    assert r.execute_command("HELLO", "3")["proto"] == 3
    with r.pipeline(transaction=True) as pipe:
        pipe.hgetall("h")
        pipe.zscore("z", "n")
        assert pipe.execute() == [{"a": "1", "b": "2"}, 2.0]
