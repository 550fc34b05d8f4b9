//! The standard gRPC health service, kept true: a background check of the database pool
//! turns every service NOT_SERVING while no connection answers, and SERVING again once one
//! does, so a load balancer stops sending calls that could only fail UNAVAILABLE and an
//! orchestrator sees the instance recover by itself (no restart needed).

use std::time::Duration;

use tokio::sync::watch;
use tonic::server::NamedService;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::api::{AdminApi, CalculatorApi, CaseApi, DocumentApi, IntakeApi, PayoutApi, TaskApi};
use crate::proto::{
    admin_service_server::AdminServiceServer, calculator_service_server::CalculatorServiceServer,
    case_service_server::CaseServiceServer, document_service_server::DocumentServiceServer,
    intake_service_server::IntakeServiceServer, payout_service_server::PayoutServiceServer,
    task_service_server::TaskServiceServer,
};
use crate::store::Store;

/// How often the pool is checked: a lost database shows within about this plus
/// [`PING_TIMEOUT`].
pub const CHECK_INTERVAL: Duration = Duration::from_millis(500);

/// How long one check may wait for a connection and its `SELECT 1`; a stalled database
/// (packets dropped, no reset) counts as gone after this.
pub const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// Every name the health service answers for: the whole server (`""`) and each v1
/// service. All of them need the database, except the calculator, which is reported with
/// the others so that one status describes the instance.
const SERVICES: [&str; 8] = [
    "",
    <CaseServiceServer<CaseApi> as NamedService>::NAME,
    <IntakeServiceServer<IntakeApi> as NamedService>::NAME,
    <TaskServiceServer<TaskApi> as NamedService>::NAME,
    <DocumentServiceServer<DocumentApi> as NamedService>::NAME,
    <CalculatorServiceServer<CalculatorApi> as NamedService>::NAME,
    <AdminServiceServer<AdminApi> as NamedService>::NAME,
    <PayoutServiceServer<PayoutApi> as NamedService>::NAME,
];

/// Sets every service to `serving` or not.
pub async fn report(health: &HealthReporter, serving: bool) {
    let status = if serving {
        ServingStatus::Serving
    } else {
        ServingStatus::NotServing
    };
    for service in SERVICES {
        health.set_service_status(service, status).await;
    }
}

/// Checks the pool every [`CHECK_INTERVAL`] until `stopped` turns true and reports each
/// change. One check is in flight at a time: a check stuck on a stalled connection is
/// waited for (reporting NOT_SERVING meanwhile), never piled up beside.
pub async fn watch_database(
    store: Store,
    health: HealthReporter,
    mut stopped: watch::Receiver<bool>,
) {
    let mut serving = true;
    let mut in_flight = None;
    while !*stopped.borrow() {
        let mut check = in_flight.take().unwrap_or_else(|| {
            let store = store.clone();
            tokio::task::spawn_blocking(move || store.ping(PING_TIMEOUT))
        });
        let healthy = match tokio::time::timeout(PING_TIMEOUT, &mut check).await {
            Ok(Ok(Ok(()))) => true,
            Ok(Ok(Err(e))) => {
                if serving {
                    tracing::warn!(error = %e, "database check failed: NOT_SERVING");
                }
                false
            }
            Ok(Err(join)) => {
                tracing::error!(error = %join, "database check panicked");
                false
            }
            Err(_elapsed) => {
                if serving {
                    tracing::warn!("database check stalled: NOT_SERVING");
                }
                in_flight = Some(check);
                false
            }
        };
        if healthy != serving {
            if healthy {
                tracing::info!("database reachable again: SERVING");
            }
            report(&health, healthy).await;
            serving = healthy;
        }
        tokio::select! {
            changed = stopped.changed() => {
                // The sender is gone: so is the server.
                if changed.is_err() {
                    break;
                }
            }
            () = tokio::time::sleep(CHECK_INTERVAL) => {}
        }
    }
}
