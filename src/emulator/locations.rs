//! Direct Connect locations per region (DescribeLocations), and the look-up
//! CreateConnection uses to accept a location code.
//!
//! The table holds real locations with their real codes and names (the code
//! `EqDC2` is spelled as in AWS's own examples). Regions not in the table get four
//! clearly synthetic locations, so every region can still create connections.

use serde_json::{json, Value};

use super::dispatch::{Call, Handler, Outcome};
use super::{ApiError, World};

/// Operations answered by this file.
pub(super) const OPERATIONS: &[(&str, Handler)] = &[("DescribeLocations", describe_locations)];

const PORTS: &[&str] = &["1Gbps", "10Gbps", "100Gbps"];
const PORTS_400: &[&str] = &["1Gbps", "10Gbps", "100Gbps", "400Gbps"];
const MACSEC: &[&str] = &["10Gbps", "100Gbps"];
const MACSEC_400: &[&str] = &["10Gbps", "100Gbps", "400Gbps"];

/// One location where connections can be requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Location {
    /// Location code, the value of `location` in CreateConnection.
    pub code: String,
    /// Colocation partner and building.
    pub name: String,
    /// Port speeds of dedicated connections offered here.
    pub port_speeds: &'static [&'static str],
    /// Port speeds offered with MACsec.
    pub mac_sec_port_speeds: &'static [&'static str],
}

type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// A location offering the usual port speeds, MACsec on 10 and 100 Gbps.
const fn standard(code: &'static str, name: &'static str) -> Row {
    (code, name, PORTS, MACSEC)
}

/// A location that also offers 400 Gbps ports (with MACsec).
const fn with_400g(code: &'static str, name: &'static str) -> Row {
    (code, name, PORTS_400, MACSEC_400)
}

const TABLE: &[(&str, &[Row])] = &[
    (
        "us-east-1",
        &[
            with_400g("EqDC2", "Equinix DC2/DC11, Ashburn, VA, US"),
            with_400g("CSVA1", "CoreSite VA1, Reston, VA, US"),
            standard("CS32A", "CoreSite NY1, New York, NY, US"),
            standard("165HS", "165 Halsey Street, Newark, NJ, US"),
            standard("MB1SD", "Markley, Boston, MA, US"),
        ],
    ),
    (
        "us-east-2",
        &[
            with_400g("EQC50", "Equinix CH2, Chicago, IL, US"),
            standard("COL67", "Cologix COL2, Columbus, OH, US"),
            standard("NPKC1", "Netrality Data Centers, Kansas City, MO, US"),
            standard("QTS52", "QTS, Chicago, IL, US"),
        ],
    ),
    (
        "us-west-1",
        &[
            with_400g("CSSV4", "CoreSite SV4, Santa Clara, CA, US"),
            with_400g("EQSV5", "Equinix SV5, San Jose, CA, US"),
            standard("EQLA3", "Equinix LA3, El Segundo, CA, US"),
            standard("CSOW", "CoreSite LA1, Los Angeles, CA, US"),
        ],
    ),
    (
        "us-west-2",
        &[
            with_400g("EQSE2", "Westin Building Exchange, Seattle, WA, US"),
            standard("PEH51", "Pittock Block, Portland, OR, US"),
            standard("SNAP", "Switch SUPERNAP 8, Las Vegas, NV, US"),
            (
                "T5ALA",
                "Serverfarm LAX1 El Segundo, El Segundo, CA, US",
                PORTS,
                &[],
            ),
        ],
    ),
    (
        "eu-west-1",
        &[
            standard("EQLD5", "Equinix LD5, Slough, GB"),
            standard("ITXD2", "Digital Realty DUB2, Dublin, IE"),
            standard("SCDB9", "Servecentric Unit 9, Dublin, IE"),
            standard("TEJB1", "Teraco JB1, Johannesburg, ZA"),
        ],
    ),
    (
        "eu-central-1",
        &[
            standard("EQFA5", "Equinix FR5, Frankfurt, DE"),
            standard("INX6", "Digital Realty FRA6, Frankfurt, DE"),
            standard("EQAM3", "Equinix AM3, Amsterdam, NL"),
            standard("THV52", "Telehouse Voltaire, Paris, FR"),
        ],
    ),
    (
        "ap-northeast-1",
        &[
            standard("EQTY2", "Equinix TY2, Tokyo, JP"),
            standard("ATTC1", "AT Tokyo Chuo Data Center, Tokyo, JP"),
            standard("EQOS1", "Equinix OS1, Osaka, JP"),
            standard("NEIN2", "NEC Inzai, Inzai-shi, JP"),
        ],
    ),
];

/// The locations of `region`, in a fixed order.
pub(super) fn in_region(region: &str) -> Vec<Location> {
    match TABLE.iter().find(|(r, _)| *r == region) {
        Some((_, rows)) => rows
            .iter()
            .map(|&(code, name, port_speeds, mac_sec_port_speeds)| Location {
                code: code.to_owned(),
                name: name.to_owned(),
                port_speeds,
                mac_sec_port_speeds,
            })
            .collect(),
        None => (1..=4)
            .map(|n| Location {
                code: format!("DXCF{n}"),
                name: format!("dxconform synthetic location {n}, {region}"),
                port_speeds: PORTS,
                mac_sec_port_speeds: MACSEC,
            })
            .collect(),
    }
}

/// The location with `code` in `region` (exact, case-sensitive code).
pub(super) fn find(region: &str, code: &str) -> Option<Location> {
    in_region(region).into_iter().find(|l| l.code == code)
}

/// The location with `code` in `region`, or the client error a create answers for an
/// unknown code (`hint` follows the sentence, with a space, when not empty).
pub(super) fn require(region: &str, code: &str, hint: &str) -> Result<Location, ApiError> {
    find(region, code).ok_or_else(|| {
        let sentence =
            format!("Location {code} is not a valid Direct Connect location in {region}.");
        ApiError::client(if hint.is_empty() {
            sentence
        } else {
            format!("{sentence} {hint}")
        })
    })
}

impl Location {
    fn to_json(&self, region: &str) -> Value {
        json!({
            "locationCode": self.code,
            "locationName": self.name,
            "region": region,
            "availablePortSpeeds": self.port_speeds,
            "availableProviders": [],
            "availableMacSecPortSpeeds": self.mac_sec_port_speeds,
        })
    }
}

/// DescribeLocations: the fixed locations of the configured region.
fn describe_locations(world: &mut World, _call: &Call<'_>) -> Outcome {
    let region = world.region();
    let locations: Vec<Value> = in_region(region)
        .iter()
        .map(|l| l.to_json(region))
        .collect();
    Ok(json!({ "locations": locations }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::testing::{world, Calls};
    use serde_json::json;

    #[test]
    fn every_region_has_at_least_four_locations() {
        for (region, rows) in TABLE {
            assert!(rows.len() >= 4, "{region}");
        }
        assert_eq!(in_region("sa-east-1").len(), 4);
        assert!(find("us-east-1", "EqDC2").is_some());
        assert!(find("us-east-1", "eqdc2").is_none());
        assert!(find("us-west-2", "EqDC2").is_none());
    }

    #[test]
    fn describe_locations_lists_the_region() {
        let mut world = world();
        let out = world.ok("111111111111", "DescribeLocations", json!({}));
        let locations = out["locations"].as_array().unwrap();
        assert!(locations.len() >= 4);
        assert_eq!(locations[0]["locationCode"], "EqDC2");
        assert!(locations.iter().all(|l| l["region"] == "us-east-1"));
        assert_eq!(
            locations[2]["availablePortSpeeds"],
            json!(["1Gbps", "10Gbps", "100Gbps"])
        );
        assert_eq!(
            locations[2]["availableMacSecPortSpeeds"],
            json!(["10Gbps", "100Gbps"])
        );
        assert_eq!(locations[2]["availableProviders"], json!([]));
    }
}
