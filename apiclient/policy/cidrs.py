"""Sets of IP ranges as lists of CIDR blocks: union, intersection, difference (IPv4 and IPv6)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
CidrSet = tuple[Network, ...]

EVERYWHERE: CidrSet = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))


def normalize(networks: Iterable[Network]) -> CidrSet:
    """Merge adjacent and nested blocks; IPv4 first."""
    items = list(networks)
    v4 = [n for n in items if isinstance(n, ipaddress.IPv4Network)]
    v6 = [n for n in items if isinstance(n, ipaddress.IPv6Network)]
    return (*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6))


def intersect(first: CidrSet, second: CidrSet) -> CidrSet:
    # Two CIDR blocks either nest or do not overlap, so their intersection is the smaller one.
    return normalize(
        a if a.subnet_of(b) else b  # type: ignore[arg-type]
        for a in first
        for b in second
        if a.version == b.version and a.overlaps(b)
    )


def subtract(first: CidrSet, second: CidrSet) -> CidrSet:
    remaining = list(first)
    for cut in second:
        kept: list[Network] = []
        for block in remaining:
            if block.version != cut.version or not block.overlaps(cut):
                kept.append(block)
            elif not block.subnet_of(cut):  # type: ignore[arg-type]
                kept.extend(block.address_exclude(cut))  # type: ignore[arg-type]
        remaining = kept
    return normalize(remaining)


def union(first: CidrSet, second: CidrSet) -> CidrSet:
    return normalize((*first, *second))


def show(networks: CidrSet) -> tuple[str, ...]:
    return tuple(str(network) for network in networks)
