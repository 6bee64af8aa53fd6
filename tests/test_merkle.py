"""Salts and RFC 6962 trees of algorithm version 2 (domain.md §8b), against a recursive reference."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from creditcli.draw import merkle


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1, literally: split at the largest power of two smaller than n."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def _path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*_path(m, leaves[:k]), _mth(leaves[k:])]
    return [*_path(m - k, leaves[k:]), _mth(leaves[:k])]


LEAVES = [merkle.leaf_hash(f"91370102{i:010d}|D|{i:032x}".encode()) for i in range(40)]


@pytest.mark.parametrize("n", range(1, 40))
def test_root_and_every_path_agree_with_rfc_6962(n: int) -> None:
    leaves = LEAVES[:n]
    assert merkle.root(leaves) == _mth(leaves)
    for m in range(n):
        path = merkle.audit_path(leaves, m)
        assert path == _path(m, leaves)
        assert merkle.root_from_path(leaves[m], m, n, path) == _mth(leaves)


def test_a_wrong_index_size_or_path_leads_elsewhere() -> None:
    leaves = LEAVES[:13]
    good = merkle.root(leaves)
    path = merkle.audit_path(leaves, 6)
    assert merkle.root_from_path(leaves[6], 7, 13, path) != good
    assert merkle.root_from_path(leaves[6], 6, 7, path) is None  # a path one level too long for n = 7
    assert merkle.root_from_path(leaves[6], 6, 13, path[:-1]) is None
    assert merkle.root_from_path(leaves[6], 6, 13, [*path, path[0]]) is None
    assert merkle.root_from_path(leaves[6], 13, 13, path) is None
    flipped = bytes([path[1][0] ^ 1]) + path[1][1:]
    assert merkle.root_from_path(leaves[6], 6, 13, [path[0], flipped, *path[2:]]) != good


def test_leaves_and_nodes_are_domain_separated() -> None:
    data = b"91370102MA3C5LKX4F|D|00000000000000000000000000000000"
    assert merkle.leaf_hash(data) == hashlib.sha256(b"\x00" + data).digest()
    assert merkle.node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    assert merkle.root([merkle.leaf_hash(data)]) == merkle.leaf_hash(data)


def test_salt_is_the_documented_hmac() -> None:
    secret = "00" * 31 + "01"
    want = hmac.new(bytes.fromhex(secret), b"creditcli-salt/2|91370102MA3C5LKX4F", hashlib.sha256).hexdigest()[:32]
    assert merkle.salt(secret, "91370102MA3C5LKX4F") == want
    assert merkle.salts(secret, ["91370102MA3C5LKX4F", "x"]) == [want, merkle.salt(secret, "x")]
    assert merkle.ticket_id("91370102MA3C5LKX4F", want) == "91370102MA3C5LKX4F|" + want
    assert len(merkle.new_secret()) == 64 and merkle.new_secret() != merkle.new_secret()


def test_class_roots_are_per_class_over_codes_in_order() -> None:
    codes, classes = ["a", "b", "c", "d"], ["D", "A", "D", "A"]
    salts = ["s1", "s2", "s3", "s4"]
    roots = merkle.class_roots(codes, classes, salts)
    assert list(roots) == ["A", "D"]
    assert roots["D"] == _mth([merkle.leaf_hash(b"a|D|s1"), merkle.leaf_hash(b"c|D|s3")]).hex()
