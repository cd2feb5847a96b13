"""The suite-wide guard (tests/conftest.py) refuses non-loopback traffic before any packet."""

import socket

import pytest


@pytest.mark.parametrize(
    "address", [("10.0.0.1", 80), ("169.254.169.254", 80), ("93.184.216.34", 443)]
)
def test_connect_beyond_loopback_is_refused_before_sending(address):
    with socket.socket() as sock, pytest.raises(AssertionError, match="loopback only"):
        sock.connect(address)


def test_dns_lookups_of_outside_names_are_refused():
    with pytest.raises(AssertionError, match="loopback only"):
        socket.getaddrinfo("desk.example", 443)


def test_loopback_still_works():
    assert socket.getaddrinfo("localhost", 80)
