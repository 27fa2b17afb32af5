// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "solady/tokens/ERC20.sol";

/// @title TestUSD
/// @notice A 6-decimal stand-in stablecoin for development chains only: anyone may mint.
contract TestUSD is ERC20 {
    /// @inheritdoc ERC20
    function name() public pure override returns (string memory) {
        return "Test USD";
    }

    /// @inheritdoc ERC20
    function symbol() public pure override returns (string memory) {
        return "tUSD";
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Faucet: mint `amount` (6 decimals) to `to`. Development chains only.
    /// @param to Recipient.
    /// @param amount Amount in the smallest unit.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
