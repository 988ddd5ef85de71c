//! The opt-in guard for real AWS: a non-loopback endpoint or `--target aws` needs
//! `--allow-real-aws` and an account allow-list (`--allow-account ID`, repeatable,
//! or `allowed_accounts = ["…"]` in `dxconform.toml`) holding every account the run acts as.
//!
//! Real Direct Connect resources cost money, so the guard refuses before anything is sent.

use std::path::Path;

/// The accounts a run may act as on a real endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    /// 12-digit account ids.
    pub accounts: Vec<String>,
}

impl AllowList {
    /// `allowed_accounts = [...]` from a `dxconform.toml` text (the only key read; other
    /// keys are ignored). The array may span several lines.
    pub fn parse_toml(text: &str) -> Result<AllowList, String> {
        let mut accounts = Vec::new();
        let Some(start) = text
            .lines()
            .position(|l| l.trim_start().starts_with("allowed_accounts"))
        else {
            return Ok(AllowList::default());
        };
        let rest: String = text.lines().skip(start).collect::<Vec<_>>().join("\n");
        let (_, value) = rest
            .split_once('=')
            .ok_or("allowed_accounts: expected `allowed_accounts = [\"123456789012\", …]`")?;
        let value = value.trim_start();
        let inner = value
            .strip_prefix('[')
            .and_then(|v| v.split_once(']'))
            .map(|(inner, _)| inner)
            .ok_or("allowed_accounts: expected an array of strings")?;
        for item in inner.split(',') {
            let item: String = item
                .lines()
                .map(|l| l.split('#').next().unwrap_or_default())
                .collect::<String>();
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let id = item
                .strip_prefix('"')
                .and_then(|i| i.strip_suffix('"'))
                .or_else(|| item.strip_prefix('\'').and_then(|i| i.strip_suffix('\'')))
                .ok_or_else(|| format!("allowed_accounts: {item} is not a quoted string"))?;
            accounts.push(id.to_owned());
        }
        Ok(AllowList { accounts })
    }

    /// The allow-list from flags plus, when the file exists, `dxconform.toml`.
    pub fn load(flags: &[String], file: &Path) -> Result<AllowList, String> {
        let mut list = AllowList {
            accounts: flags.to_vec(),
        };
        if file.exists() {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let from_file =
                AllowList::parse_toml(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            list.accounts.extend(from_file.accounts);
        }
        for id in &list.accounts {
            if !(id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())) {
                return Err(format!(
                    "allowed account {id:?} is not a 12-digit account id"
                ));
            }
        }
        Ok(list)
    }

    /// Refuse (with the reason) unless every account in `used` is allowed.
    pub fn admit(&self, used: &[(&str, &str)]) -> Result<(), String> {
        if self.accounts.is_empty() {
            return Err("refusing to call real AWS without an account allow-list: pass --allow-account ID (repeatable) or put allowed_accounts = [\"ID\", …] in dxconform.toml, naming every account the run acts as".to_owned());
        }
        for (role, id) in used {
            if !self.accounts.iter().any(|a| a == id) {
                return Err(format!(
                    "refusing to act as the {role} account {id}: it is not in the account allow-list ({})",
                    self.accounts.join(", ")
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_allowed_accounts_over_lines() {
        let text = "# sandbox\nregion = \"us-east-1\"\nallowed_accounts = [\n  \"111111111111\", # owner\n  '222222222222',\n]\n";
        let list = AllowList::parse_toml(text).unwrap();
        assert_eq!(list.accounts, ["111111111111", "222222222222"]);
        assert_eq!(
            AllowList::parse_toml("x = 1").unwrap(),
            AllowList::default()
        );
        assert!(AllowList::parse_toml("allowed_accounts = [111]").is_err());
    }

    #[test]
    fn admits_only_listed_accounts() {
        let empty = AllowList::default();
        assert!(empty
            .admit(&[("owner", "111111111111")])
            .unwrap_err()
            .contains("allow-list"));
        let list = AllowList {
            accounts: vec!["111111111111".into()],
        };
        assert!(list.admit(&[("owner", "111111111111")]).is_ok());
        let err = list
            .admit(&[("owner", "111111111111"), ("partner", "222222222222")])
            .unwrap_err();
        assert!(err.contains("partner account 222222222222"), "{err}");
    }
}
