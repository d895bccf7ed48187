import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Environment pipelines: services get a type, stages a `default_for` type, and a pipeline may be the one of
 * its environment. `stage_services` places each service in one stage of such a pipeline: its primary key
 * (pipeline, service) makes a second placement impossible, whatever the code does, and the DEPLOYMENT
 * actions of the placed service reference their placement, so they cannot sit in any other stage; moving
 * the placement moves them (ON UPDATE CASCADE) in the same statement.
 */
export class EnvironmentPipelines1764489600000 implements MigrationInterface {
  name = 'EnvironmentPipelines1764489600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE services ADD COLUMN type text
        CONSTRAINT services_type_check CHECK (type IN ('DATABASE', 'JOB', 'CONTAINER', 'APPLICATION'))`);
    await q.query(`
      ALTER TABLE stages ADD COLUMN default_for text
        CONSTRAINT stages_default_for_check CHECK (default_for IN ('DATABASE', 'JOB', 'CONTAINER', 'APPLICATION'))`);
    await q.query(
      `CREATE UNIQUE INDEX stages_pipeline_default_for_key ON stages (pipeline_id, default_for) WHERE default_for IS NOT NULL`,
    );
    await q.query(`ALTER TABLE stages ADD CONSTRAINT stages_id_pipeline_key UNIQUE (id, pipeline_id)`);
    await q.query(`
      ALTER TABLE pipelines ADD COLUMN environment_id uuid
        CONSTRAINT pipelines_environment_fk REFERENCES environments (id) ON DELETE RESTRICT`);
    await q.query(
      `CREATE UNIQUE INDEX pipelines_environment_key ON pipelines (environment_id) WHERE environment_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE stage_services (
        pipeline_id uuid NOT NULL CONSTRAINT stage_services_pipeline_fk REFERENCES pipelines (id) ON DELETE CASCADE,
        service_id uuid NOT NULL CONSTRAINT stage_services_service_fk REFERENCES services (id) ON DELETE CASCADE,
        stage_id uuid NOT NULL,
        CONSTRAINT stage_services_pkey PRIMARY KEY (pipeline_id, service_id),
        CONSTRAINT stage_services_stage_fk FOREIGN KEY (stage_id, pipeline_id)
          REFERENCES stages (id, pipeline_id) ON DELETE CASCADE,
        CONSTRAINT stage_services_placement_key UNIQUE (pipeline_id, service_id, stage_id)
      )`);
    await q.query(`CREATE INDEX stage_services_stage_idx ON stage_services (stage_id)`);
    await q.query(`
      ALTER TABLE actions
        ADD COLUMN pipeline_id uuid,
        ADD COLUMN service_id uuid,
        ADD CONSTRAINT actions_placement_both_check CHECK ((pipeline_id IS NULL) = (service_id IS NULL)),
        ADD CONSTRAINT actions_placement_fk FOREIGN KEY (pipeline_id, service_id, stage_id)
          REFERENCES stage_services (pipeline_id, service_id, stage_id) ON UPDATE CASCADE ON DELETE CASCADE`);
    await q.query(
      `CREATE INDEX actions_placement_idx ON actions (pipeline_id, service_id, stage_id) WHERE pipeline_id IS NOT NULL`,
    );
    // deleteDeployment asks which pipelines refer to a Deployment.
    await q.query(
      `CREATE INDEX actions_deployment_idx ON actions ((config->>'deploymentId')) WHERE kind = 'DEPLOYMENT'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX actions_deployment_idx`);
    await q.query(`DROP INDEX actions_placement_idx`);
    await q.query(`
      ALTER TABLE actions
        DROP CONSTRAINT actions_placement_fk,
        DROP CONSTRAINT actions_placement_both_check,
        DROP COLUMN service_id,
        DROP COLUMN pipeline_id`);
    await q.query(`DROP TABLE stage_services`);
    await q.query(`DROP INDEX pipelines_environment_key`);
    await q.query(`ALTER TABLE pipelines DROP COLUMN environment_id`);
    await q.query(`ALTER TABLE stages DROP CONSTRAINT stages_id_pipeline_key`);
    await q.query(`DROP INDEX stages_pipeline_default_for_key`);
    await q.query(`ALTER TABLE stages DROP COLUMN default_for`);
    await q.query(`ALTER TABLE services DROP COLUMN type`);
  }
}
