//! `exploot.v1.TaskService`.

use tonic::{Request, Response, Status};

use super::convert::{self, Violations};
use super::principal;
use super::status::invalid_argument;
use crate::page::Cursor;
use crate::proto::{self as pb, task_service_server::TaskService};
use crate::workflow::{App, Completion, Task, TaskQuery, TaskState};

/// Default and largest page of `ListTasks`.
const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 1000;

/// The task service (work for people).
pub struct TaskApi {
    app: App,
}

impl TaskApi {
    /// Serves `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[tonic::async_trait]
impl TaskService for TaskApi {
    async fn list_tasks(
        &self,
        request: Request<pb::ListTasksRequest>,
    ) -> Result<Response<pb::ListTasksResponse>, Status> {
        let query = list_query(request.into_inner()).map_err(|v| invalid_argument(&v))?;
        let (tasks, next) = self.app.list_tasks(query).await?;
        let today = self.today().await?;
        Ok(Response::new(pb::ListTasksResponse {
            tasks: tasks.iter().map(|t| task_to_proto(t, today)).collect(),
            next_page_token: next.map(|c| c.token()).unwrap_or_default(),
        }))
    }

    async fn claim_task(
        &self,
        request: Request<pb::ClaimTaskRequest>,
    ) -> Result<Response<pb::Task>, Status> {
        let r = request.into_inner();
        task_and_assignee(&r.task_id, &r.assignee)?;
        let task = self.app.claim_task(r.task_id, r.assignee).await?;
        self.answer(&task).await
    }

    async fn complete_task(
        &self,
        request: Request<pb::CompleteTaskRequest>,
    ) -> Result<Response<pb::Task>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        if r.task_id.is_empty() {
            v.add("task_id", "required");
        }
        if r.request_id.is_empty() {
            v.add("request_id", "required: a key that makes a retry safe");
        }
        if r.outcome.is_empty() {
            v.add("outcome", "required: one of the task's outcomes");
        }
        let completion = v
            .into_result(|| Completion {
                task_id: r.task_id,
                request_id: r.request_id,
                outcome: r.outcome,
                note: r.note,
                values: r.values.into_iter().collect(),
            })
            .map_err(|v| invalid_argument(&v))?;
        let task = self.app.complete_task(&who, completion).await?;
        self.answer(&task).await
    }

    async fn unclaim_task(
        &self,
        request: Request<pb::UnclaimTaskRequest>,
    ) -> Result<Response<pb::Task>, Status> {
        let r = request.into_inner();
        if r.task_id.is_empty() {
            return Err(invalid_argument(&[crate::case::FieldViolation::new(
                "task_id", "required",
            )]));
        }
        let task = self.app.unclaim_task(r.task_id).await?;
        self.answer(&task).await
    }

    async fn reassign_task(
        &self,
        request: Request<pb::ReassignTaskRequest>,
    ) -> Result<Response<pb::Task>, Status> {
        let r = request.into_inner();
        task_and_assignee(&r.task_id, &r.assignee)?;
        let task = self.app.reassign_task(r.task_id, r.assignee).await?;
        self.answer(&task).await
    }

    async fn open_task(
        &self,
        request: Request<pb::OpenTaskRequest>,
    ) -> Result<Response<pb::Task>, Status> {
        let who = principal(&request)?;
        let r = request.into_inner();
        let task = convert::opened_task(&r).map_err(|v| invalid_argument(&v))?;
        let task = self
            .app
            .open_task(&who, r.case_id, r.request_id, task)
            .await?;
        self.answer(&task).await
    }
}

impl TaskApi {
    /// Today in Amsterdam by the service clock: what "overdue" is judged by.
    async fn today(&self) -> Result<chrono::NaiveDate, Status> {
        Ok(crate::clock::amsterdam_local(self.app.service_now().await?).date())
    }

    async fn answer(&self, task: &Task) -> Result<Response<pb::Task>, Status> {
        Ok(Response::new(task_to_proto(task, self.today().await?)))
    }
}

/// ClaimTask's and ReassignTask's fields: a task and who takes it.
fn task_and_assignee(task_id: &str, assignee: &str) -> Result<(), Status> {
    let mut v = Violations::default();
    if task_id.is_empty() {
        v.add("task_id", "required");
    }
    if assignee.trim().is_empty() {
        v.add("assignee", "required: who takes the task");
    }
    v.into_result(|| ()).map_err(|v| invalid_argument(&v))
}

fn list_query(r: pb::ListTasksRequest) -> Result<TaskQuery, Vec<crate::case::FieldViolation>> {
    let mut v = Violations::default();
    let state = match pb::TaskState::try_from(r.state) {
        Ok(pb::TaskState::Unspecified) => None,
        Ok(pb::TaskState::Open) => Some(TaskState::Open),
        Ok(pb::TaskState::Claimed) => Some(TaskState::Claimed),
        Ok(pb::TaskState::Completed) => Some(TaskState::Completed),
        Ok(pb::TaskState::Cancelled) => Some(TaskState::Cancelled),
        Err(_) => {
            v.add("state", format!("unknown task state {}", r.state));
            None
        }
    };
    let page_size = v.page_size(r.page_size, DEFAULT_PAGE, MAX_PAGE);
    let after = if r.page_token.is_empty() {
        None
    } else {
        v.check("page_token", Cursor::from_token(&r.page_token, "ListTasks"))
    };
    let due_by = v
        .check(
            "due_on_or_before",
            convert::optional_date(&r.due_on_or_before),
        )
        .flatten();
    let non_empty = |s: String| if s.is_empty() { None } else { Some(s) };
    v.into_result(|| TaskQuery {
        queue: non_empty(r.queue),
        case_id: non_empty(r.case_id),
        state,
        assignee: non_empty(r.assignee),
        due_by,
        overdue: r.overdue,
        after,
        page_size,
    })
}

fn task_to_proto(t: &Task, today: chrono::NaiveDate) -> pb::Task {
    let state = match t.state {
        TaskState::Open => pb::TaskState::Open,
        TaskState::Claimed => pb::TaskState::Claimed,
        TaskState::Completed => pb::TaskState::Completed,
        TaskState::Cancelled => pb::TaskState::Cancelled,
    };
    pb::Task {
        id: t.id.clone(),
        case_id: t.case_id.clone().unwrap_or_default(),
        kind: t.kind.clone(),
        queue: t.queue.clone(),
        state: state.into(),
        title: t.title.clone(),
        details_json: t.details_json.clone(),
        outcomes: t.outcomes.clone(),
        claimed_by: t.claimed_by.clone(),
        outcome: t.outcome.clone(),
        note: t.note.clone(),
        created_at: Some(convert::timestamp(t.created_at)),
        updated_at: Some(convert::timestamp(t.updated_at)),
        due_on: t.due_on.map(|d| d.to_string()).unwrap_or_default(),
        overdue: t.overdue(today),
    }
}
