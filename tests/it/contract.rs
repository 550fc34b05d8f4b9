//! The contract as a stranger sees it: through server reflection.

use std::collections::BTreeMap;

use exploot::proto as pb;
use prost::Message;
use tonic::Code;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1alpha as alpha;

use crate::harness::{TestDb, TestServer};

/// The v1 services and every RPC the contract promises.
fn promised() -> BTreeMap<&'static str, Vec<&'static str>> {
    BTreeMap::from([
        (
            "exploot.v1.CaseService",
            vec![
                "CreateCase",
                "GetCase",
                "ListCases",
                "RecordPayment",
                "ReversePayment",
                "ProposePaymentPlan",
                "PutOnHold",
                "Resume",
                "WithdrawCase",
                "CloseUncollectable",
                "QuoteCase",
                "WatchCase",
                "RegisterJudgment",
                "SearchCases",
                "ListDebtorCases",
                "AddNote",
                "ListNotes",
                "UpdateDebtor",
                "CheckDebtor",
            ],
        ),
        (
            "exploot.v1.IntakeService",
            vec!["ImportClaims", "ImportBankStatement"],
        ),
        (
            "exploot.v1.PayoutService",
            vec!["RunPayouts", "GetPayoutStatement", "ClientOverview"],
        ),
        (
            "exploot.v1.TaskService",
            vec![
                "ListTasks",
                "ClaimTask",
                "CompleteTask",
                "UnclaimTask",
                "ReassignTask",
                "OpenTask",
            ],
        ),
        (
            "exploot.v1.DocumentService",
            vec!["ListDocuments", "GetDocument", "UploadDocument"],
        ),
        ("exploot.v1.CalculatorService", vec!["QuoteClaim"]),
        (
            "exploot.v1.AdminService",
            vec![
                "PutClient",
                "GetClient",
                "PutTrackPolicy",
                "GetTrackPolicy",
                "AdvanceClock",
                "GetClock",
                "AddRate",
                "ListRates",
                "AddCourtFees",
                "ListCourtFees",
                "AddBailiffTariffs",
                "ListBailiffTariffs",
                "PutOffice",
                "GetOffice",
            ],
        ),
    ])
}

async fn ask(server: &TestServer, request: MessageRequest) -> MessageResponse {
    let mut client = ServerReflectionClient::new(server.channel.clone());
    let outbound = tokio_stream::iter(vec![ServerReflectionRequest {
        host: String::new(),
        message_request: Some(request),
    }]);
    let mut answers = client
        .server_reflection_info(outbound)
        .await
        .expect("reflection")
        .into_inner();
    answers
        .message()
        .await
        .expect("answer")
        .expect("one answer")
        .message_response
        .expect("response")
}

#[tokio::test]
async fn reflection_lists_every_service_and_rpc() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    let MessageResponse::ListServicesResponse(list) =
        ask(&server, MessageRequest::ListServices(String::new())).await
    else {
        panic!("expected a service list");
    };
    let listed: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for required in [
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
    ] {
        assert!(
            listed.iter().any(|s| s == required),
            "{required} in {listed:?}"
        );
    }
    for (service, rpcs) in promised() {
        assert!(
            listed.iter().any(|s| s == service),
            "{service} listed in {listed:?}"
        );
        let MessageResponse::FileDescriptorResponse(files) = ask(
            &server,
            MessageRequest::FileContainingSymbol(service.into()),
        )
        .await
        else {
            panic!("expected descriptors for {service}");
        };
        let short = service.rsplit('.').next().unwrap();
        let methods: Vec<String> = files
            .file_descriptor_proto
            .iter()
            .map(|bytes| {
                prost_types::FileDescriptorProto::decode(bytes.as_slice()).expect("descriptor")
            })
            .flat_map(|file| file.service)
            .filter(|s| s.name() == short)
            .flat_map(|s| s.method.into_iter().map(|m| m.name().to_owned()))
            .collect();
        let mut expected: Vec<String> = rpcs.iter().map(|s| s.to_string()).collect();
        expected.sort();
        let mut got = methods.clone();
        got.sort();
        assert_eq!(got, expected, "{service}");
    }
    server.stop().await;
}

#[tokio::test]
async fn reflection_v1alpha_answers_too() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    let mut client =
        alpha::server_reflection_client::ServerReflectionClient::new(server.channel.clone());
    let request = alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            alpha::server_reflection_request::MessageRequest::ListServices(String::new()),
        ),
    };
    let mut answers = client
        .server_reflection_info(tokio_stream::iter(vec![request]))
        .await
        .unwrap()
        .into_inner();
    let answer = answers.message().await.unwrap().unwrap();
    let Some(alpha::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        answer.message_response
    else {
        panic!("expected a service list");
    };
    assert!(
        list.service
            .iter()
            .any(|s| s.name == "exploot.v1.CaseService")
    );
    server.stop().await;
}

#[tokio::test]
async fn clients_and_policies_are_versioned() {
    let server = TestServer::start(&TestDb::sqlite()).await;
    let mut admin = server.admin();
    let stored = admin
        .put_client(pb::PutClientRequest {
            client: Some(crate::harness::fixtures::client("acme")),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.track_policy_version, 1);
    let fetched = admin
        .get_client(pb::GetClientRequest {
            client_id: "acme".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched, stored);
    let defaults = admin
        .get_track_policy(pb::GetTrackPolicyRequest {
            client_id: "acme".into(),
            version: 0,
        })
        .await
        .unwrap();
    let defaults = defaults.into_inner();
    assert_eq!(
        (
            defaults.letter_delivery_days,
            defaults.minimum_for_legal_action.as_str(),
            defaults.intake_cutoff.as_str()
        ),
        (2, "500.00", "16:00")
    );
    assert_eq!(defaults.approve_summons, Some(true));
    let v2 = admin
        .put_track_policy(pb::PutTrackPolicyRequest {
            policy: Some(pb::TrackPolicy {
                client_id: "acme".into(),
                minimum_for_legal_action: "250.00".into(),
                intake_cutoff: "17:30".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (
            v2.version,
            v2.minimum_for_legal_action.as_str(),
            v2.intake_cutoff.as_str()
        ),
        (2, "250.00", "17:30")
    );
    let v1 = admin
        .get_track_policy(pb::GetTrackPolicyRequest {
            client_id: "acme".into(),
            version: 1,
        })
        .await
        .unwrap();
    assert_eq!(
        v1.into_inner().minimum_for_legal_action,
        "500.00",
        "old versions stay as they were"
    );

    let err = admin
        .put_track_policy(pb::PutTrackPolicyRequest {
            policy: Some(pb::TrackPolicy {
                client_id: "acme".into(),
                intake_cutoff: "4pm".into(),
                letter_delivery_days: -1,
                ..Default::default()
            }),
        })
        .await
        .expect_err("bad policy");
    assert_eq!(err.code(), Code::InvalidArgument);
    let missing = admin
        .get_client(pb::GetClientRequest {
            client_id: "nobody".into(),
        })
        .await
        .expect_err("unknown");
    assert_eq!(missing.code(), Code::NotFound);
    server.stop().await;
}
