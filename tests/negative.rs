//! The negative suite: invalid inputs (one broken rule each), malformed requests
//! and state-dependent rejections. The reference target answers every one as AWS
//! does (zero findings); a target that skips input validation is caught.

use dxconform::check::{CheckSet, SdkParser};
use dxconform::model::{
    rules, ConnectionStep, InvalidStep, Malformed, MalformedStep, MangledId, Plan, Step,
};
use dxconform::run::{discover_env, execute, launch, run, CaseContext, Records, RunConfig};
use dxconform::spec::Spec;
use dxconform::vocab::{Malformation, Principal};

fn findings(report: &dxconform::run::RunReport) -> Vec<String> {
    report
        .buckets
        .iter()
        .map(|b| {
            format!(
                "{} {} {}: expected {}, got {}",
                b.check, b.operation, b.path, b.expected, b.actual
            )
        })
        .collect()
}

#[test]
fn the_embedded_target_has_zero_findings_on_the_negative_suite() {
    for seed in 1..=4 {
        let mut config = RunConfig {
            cases: 60,
            seed,
            ..RunConfig::default()
        };
        config.gen.positive = false;
        let report = run(&config).expect("run completes");
        assert!(
            report.buckets.is_empty(),
            "seed {seed}: {:#?}",
            findings(&report)
        );
        assert!(report.leaked.is_empty());
    }
}

#[test]
fn a_target_that_skips_input_validation_is_caught_by_accepted_invalid() {
    let mut config = RunConfig {
        cases: 120,
        seed: 1,
        ..RunConfig::default()
    };
    config.gen.positive = false;
    config.emulator.mutant = Some("accepts-invalid-input".into());
    let report = run(&config).expect("run completes");
    let checks: Vec<&str> = report.buckets.iter().map(|b| b.check.as_str()).collect();
    assert!(
        checks.contains(&"error.accepted-invalid"),
        "{:#?}",
        findings(&report)
    );
    let accepted = report
        .buckets
        .iter()
        .find(|b| b.check == "error.accepted-invalid")
        .unwrap();
    assert!(
        accepted.expected.contains("(rule "),
        "{}",
        accepted.expected
    );
}

/// Execute one hand-written plan against the embedded target and return its steps.
fn execute_plan(plan: Plan) -> dxconform::run::CaseOutcome {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = RunConfig::default();
    runtime.block_on(async {
        let target = launch(&config.target, &config.emulator).await.unwrap();
        let env = discover_env(&target).await;
        let checks = CheckSet::default();
        let sdk = SdkParser::new();
        let pace = dxconform::run::Pace::default();
        let ctx = CaseContext {
            client: &target.client,
            target: &target,
            env: &env,
            checks: &checks,
            sdk: &sdk,
            spec: Spec::builtin(),
            budget: None,
            records: Records::Full,
            pace: &pace,
            origin: dxconform::run::CaseOrigin::default(),
        };
        let outcome = execute(&ctx, &plan).await;
        target.stop().await;
        outcome
    })
}

fn create_connection() -> Step {
    Step::Connection(ConnectionStep::CreateConnection {
        by: Principal::Owner,
        location: 0,
        bandwidth: "1Gbps".into(),
        name: "dx-alpha".into(),
        tags: Vec::new(),
    })
}

fn base_of(operation: &str) -> Step {
    use dxconform::model::{
        AddressFamily, GatewayStep, HandleRef, NewBgpPeer, NewVif, Tag, TagStep, VifStep,
    };
    let vif = NewVif {
        by: Principal::Owner,
        connection: HandleRef(0),
        vlan: 101,
        asn: 65000,
        mtu: None,
        name: "dx-vif".into(),
        auth_key: None,
        family: AddressFamily::Ipv4,
        gateway: None,
        vgw: 0,
        subnet: 0,
        tags: Vec::new(),
    };
    match operation {
        "CreateConnection" => create_connection(),
        "CreateDirectConnectGateway" => Step::Gateway(GatewayStep::CreateDirectConnectGateway {
            by: Principal::Owner,
            name: "dx-gw".into(),
            asn: Some(64512),
            tags: Vec::new(),
        }),
        "CreatePrivateVirtualInterface" => Step::Vif(VifStep::CreatePrivateVirtualInterface(vif)),
        "CreatePublicVirtualInterface" => {
            Step::Vif(VifStep::CreatePublicVirtualInterface(NewVif {
                vlan: 102,
                ..vif
            }))
        }
        "CreateBGPPeer" => Step::Vif(VifStep::CreateBgpPeer(NewBgpPeer {
            by: Principal::Owner,
            target: HandleRef(0),
            asn: 65001,
            family: AddressFamily::Ipv6,
            auth_key: None,
            subnet: 0,
        })),
        "TagResource" => Step::Tags(TagStep::TagResource {
            by: Principal::Owner,
            kind: dxconform::model::ResourceKind::Connection,
            target: HandleRef(0),
            tags: vec![Tag {
                key: "env".into(),
                value: "test".into(),
            }],
        }),
        other => panic!("no base for {other}"),
    }
}

#[rstest::rstest]
#[case("CreateConnection")]
#[case("CreateDirectConnectGateway")]
#[case("CreatePrivateVirtualInterface")]
#[case("CreatePublicVirtualInterface")]
#[case("CreateBGPPeer")]
#[case("TagResource")]
fn the_reference_target_rejects_every_rule_of(#[case] operation: &str) {
    // A connection and a VIF on it for the steps that need them.
    let mut steps = vec![
        create_connection(),
        base_of("CreatePrivateVirtualInterface"),
    ];
    for rule in rules(operation) {
        steps.push(Step::Invalid(InvalidStep {
            base: Box::new(base_of(operation)),
            invalid: rule.clone(),
        }));
    }
    let outcome = execute_plan(Plan { steps });
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
    assert_eq!(outcome.steps[1].outcome, "success");
    for record in &outcome.steps[2..] {
        assert_eq!(record.outcome, "service-error", "{:?}", record.step);
    }
}

#[test]
fn malformed_requests_get_the_protocol_answers() {
    let describe = Step::Connection(ConnectionStep::DescribeConnections {
        by: Principal::Owner,
        target: None,
    });
    let mut steps = vec![create_connection()];
    for m in Malformation::ALL {
        steps.push(Step::Malformed(MalformedStep {
            base: Box::new(describe.clone()),
            malformed: Malformed::Wire(m),
        }));
    }
    steps.push(Step::Malformed(MalformedStep {
        base: Box::new(describe),
        malformed: Malformed::UnknownMember,
    }));
    for how in MangledId::ALL {
        steps.push(Step::Malformed(MalformedStep {
            base: Box::new(Step::Connection(ConnectionStep::DeleteConnection {
                by: Principal::Owner,
                target: dxconform::model::HandleRef(0),
            })),
            malformed: Malformed::MangledId(how),
        }));
    }
    let outcome = execute_plan(Plan { steps });
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
    let answers: Vec<(String, Option<String>)> = outcome.steps[1..]
        .iter()
        .map(|r| (r.outcome.clone(), r.error_type.clone()))
        .collect();
    let t = |s: &str| Some(s.to_owned());
    assert_eq!(answers[0].1, t("SerializationException"));
    assert_eq!(answers[1].1, t("SerializationException"));
    assert_eq!(answers[2].1, t("SerializationException"));
    assert_eq!(answers[3].0, "not-implemented"); // UnknownOperationException
    assert_eq!(answers[4].0, "not-implemented");
    assert_eq!(answers[6].1, t("MissingAuthenticationTokenException"));
    assert_eq!(answers[7].1, t("IncompleteSignatureException"));
    assert_eq!(answers[8].0, "success", "unknown members are ignored");
    for (outcome, error) in &answers[9..] {
        assert_eq!(
            (outcome.as_str(), error.as_deref()),
            ("service-error", Some("DirectConnectClientException"))
        );
    }
}
