//! `exploot.v1.TaskService`.

use tonic::{Request, Response, Status};

use super::unimplemented;
use crate::proto::{self as pb, task_service_server::TaskService};

/// The task service (work for people).
#[derive(Default)]
pub struct TaskApi;

#[tonic::async_trait]
impl TaskService for TaskApi {
    async fn list_tasks(
        &self,
        _: Request<pb::ListTasksRequest>,
    ) -> Result<Response<pb::ListTasksResponse>, Status> {
        Err(unimplemented("ListTasks"))
    }

    async fn claim_task(
        &self,
        _: Request<pb::ClaimTaskRequest>,
    ) -> Result<Response<pb::Task>, Status> {
        Err(unimplemented("ClaimTask"))
    }

    async fn complete_task(
        &self,
        _: Request<pb::CompleteTaskRequest>,
    ) -> Result<Response<pb::Task>, Status> {
        Err(unimplemented("CompleteTask"))
    }
}
