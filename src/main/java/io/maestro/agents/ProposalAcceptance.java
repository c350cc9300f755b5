package io.maestro.agents;

import io.maestro.activity.ActivityLog;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.jobs.JobJson;
import io.maestro.jobs.JobService;
import io.maestro.jobs.JobSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An accepted proposal becomes a queued job carrying exactly what was examined. The proposal is claimed first (so
 * it is accepted once), and the claim is undone when the job cannot be created.
 */
final class ProposalAcceptance {
  private final AgentRepository agents;
  private final JobService jobs;
  private final ActivityLog activity;
  private final int maxRetries;

  ProposalAcceptance(AgentRepository agents, JobService jobs, ActivityLog activity, int maxRetries) {
    this.agents = agents;
    this.jobs = jobs;
    this.activity = activity;
    this.maxRetries = maxRetries;
  }

  /** Accepts the proposal (pending or examiner-rejected) once: its job is queued, or nothing changes. */
  Future<JsonObject> accept(String userId, String proposalId, String notes) {
    return agents.findProposal(userId, proposalId)
        .compose(found -> {
          JsonObject before = found.orElseThrow(() -> new MaestroException(FailureCode.NOT_FOUND,
              "proposal " + proposalId + " not found"));
          // the queue limit before the claim: a refused acceptance leaves the proposal untouched
          return jobs.checkQueue(userId).compose(ok -> agents.claimForAcceptance(userId, proposalId, notes))
              .compose(claimed -> {
                if (claimed.isEmpty()) {
                  return Future.failedFuture(new MaestroException(FailureCode.CONFLICT, "proposal " + proposalId
                      + " is " + before.getString("status") + (before.getString("accepted_job_id") == null ? ""
                      : " (job " + before.getString("accepted_job_id") + ")") + " and cannot be accepted again"));
                }
                return createJob(userId, claimed.get())
                    .recover(e -> agents.revertAcceptance(userId, proposalId, before.getString("status"))
                        .transform(ignored -> Future.failedFuture(e)));
              });
        });
  }

  /** The job carries the proposal's own title, lines, caption, slides and image prompt: what was examined. */
  private Future<JsonObject> createJob(String userId, JsonObject p) {
    JobSpec spec = new JobSpec(p.getString("title"), p.getJsonArray("content_lines"), p.getString("variant"),
        p.getString("image_prompt"), null, new JsonArray().add(p.getString("brand")), new JsonArray(), true,
        p.getString("caption"), p.getJsonArray("slide_texts"), p.getString("proposal_id"), maxRetries);
    return jobs.enqueue(userId, spec).compose(job -> {
      String jobId = job.getString("job_id");
      return agents.setAcceptedJob(userId, p.getString("proposal_id"), jobId)
          .compose(v -> activity.record(userId, p.getString("agent_name"), "Accepted",
              p.getString("proposal_id") + " → " + jobId + " (" + p.getString("variant") + ", " + p.getString("brand")
                  + "): " + p.getString("title"), "✅", ActivityLog.Level.INFO))
          .map(v -> new JsonObject().put("status", "accepted").put("proposal_id", p.getString("proposal_id"))
              .put("job_id", jobId).put("job", JobJson.publicView(job)));
    });
  }
}
