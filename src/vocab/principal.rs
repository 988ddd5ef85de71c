//! Principals (who calls) and how a target maps them to accounts.

use serde::{Deserialize, Serialize};

/// Who makes a call. Cross-account flows need two: the owner of a connection
/// and the partner account that a hosted connection or VIF is provisioned for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Principal {
    /// The account that owns the connections the case creates.
    Owner,
    /// A second account.
    Partner,
}

impl Principal {
    /// Both principals.
    pub const ALL: [Principal; 2] = [Principal::Owner, Principal::Partner];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Principal::Owner => "owner",
            Principal::Partner => "partner",
        }
    }
}

impl std::fmt::Display for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The account id of each principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accounts {
    /// Owner account (12 digits).
    pub owner: String,
    /// Partner account (12 digits).
    pub partner: String,
}

impl Default for Accounts {
    fn default() -> Self {
        Accounts {
            owner: "111111111111".to_owned(),
            partner: "222222222222".to_owned(),
        }
    }
}

impl Accounts {
    /// The account of a principal.
    pub fn of(&self, principal: Principal) -> &str {
        match principal {
            Principal::Owner => &self.owner,
            Principal::Partner => &self.partner,
        }
    }

    /// The principal owning `account`, if any.
    pub fn principal_of(&self, account: &str) -> Option<Principal> {
        Principal::ALL.into_iter().find(|p| self.of(*p) == account)
    }
}

/// How a target learns which account a request is from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "header")]
pub enum AccountSelector {
    /// The SigV4 access key id is the 12-digit account id (the reference target).
    AccessKey,
    /// A request header carries the account id (moto: `x-moto-account-id`).
    Header(String),
    /// Real credentials decide (AWS): each principal has its own credentials.
    Credentials,
}
