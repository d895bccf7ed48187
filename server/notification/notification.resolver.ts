import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { GuardedMutation } from '../audit/guarded-mutation';
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

  @GuardedMutation('ADMIN', () => WebhookSubscription)
  createWebhookSubscription(
    @Arg('input', () => WebhookSubscriptionInput) input: WebhookSubscriptionInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.notifications.create(input);
  }

  @GuardedMutation('ADMIN', () => Boolean)
  deleteWebhookSubscription(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.notifications.delete(id);
  }

  @FieldResolver(() => Pipeline, { nullable: true, description: 'null: every pipeline' })
  pipeline(@Root() subscription: SubscriptionRow, @Ctx() ctx: Context) {
    return subscription.pipelineId ? ctx.loaders.pipeline.load(subscription.pipelineId) : null;
  }
}
