// SPDX-License-Identifier: MIT
// A USDT-like test token: 6 decimals and a `transfer` that returns nothing (like mainnet USDT).
// Compiled with solc 0.8.28 (npm `solc`), optimizer 200 runs; creation bytecode (hex) in TestUsdt.bin beside this file.
pragma solidity 0.8.28;

contract TestUsdt {
    // Slot 0: tests freeze the token with anvil_setStorageAt to make a broadcast transfer revert.
    bool public frozen;
    mapping(address => uint256) public balanceOf;
    uint8 public constant decimals = 6;

    event Transfer(address indexed from, address indexed to, uint256 value);

    function mint(address to, uint256 value) external {
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function setFrozen(bool value) external {
        frozen = value;
    }

    function transfer(address to, uint256 value) external {
        require(!frozen, "frozen");
        require(balanceOf[msg.sender] >= value, "balance");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
    }
}
