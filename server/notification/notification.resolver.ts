import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  UseMiddleware,
} from 'type-graphql';
import { auditMutations } from '../audit/audit.middleware';
import type { Context } from '../context';
import { Pipeline } from '../pipeline/pipeline.types';
import type { SubscriptionRow } from './notification.service';
import { WebhookDelivery, WebhookSubscription, WebhookSubscriptionInput } from './notification.types';

@Resolver(() => WebhookSubscription)
export class NotificationResolver {
  @Authorized('ADMIN')
  @Query(() => [WebhookSubscription])
  webhookSubscriptions(@Ctx() ctx: Context) {
    return ctx.services.notifications.list();
  }

  @Authorized('ADMIN')
  @Query(() => [WebhookDelivery])
  webhookDeliveries(
    @Arg('subscriptionId', () => ID) subscriptionId: string,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.notifications.deliveries(subscriptionId, first);
  }

  @Authorized('ADMIN')
  @UseMiddleware(auditMutations)
  @Mutation(() => WebhookSubscription)
  createWebhookSubscription(
    @Arg('input', () => WebhookSubscriptionInput) input: WebhookSubscriptionInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.notifications.create(input);
  }

  @Authorized('ADMIN')
  @UseMiddleware(auditMutations)
  @Mutation(() => Boolean)
  deleteWebhookSubscription(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.notifications.delete(id);
  }

  @FieldResolver(() => Pipeline, { nullable: true, description: 'null: every pipeline' })
  pipeline(@Root() subscription: SubscriptionRow, @Ctx() ctx: Context) {
    return subscription.pipelineId ? ctx.loaders.pipeline.load(subscription.pipelineId) : null;
  }
}
