"""check_points and redeem_points (通积通兑): the balance with its latest lines, the catalogue as buttons, and a
redemption when a reward's button is tapped. Each button carries a fresh offer key, so a double tap or a retried
request is one redemption (nuanxin.points.rewards)."""
from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import channel, entity
from nuanxin import responses
from nuanxin.points import rewards


REFUSED = {"not_enough": "utter_points_not_enough", "out_of_stock": "utter_points_out_of_stock",
           "unknown": "utter_points_unknown_reward"}


class ActionCheckPoints(Action):
    def name(self) -> str:
        return "action_check_points"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        seen = await asyncio.to_thread(rewards.summary, channel(tracker), tracker.sender_id)
        if not seen.latest:
            dispatcher.utter_message(response="utter_points_none")
            return []
        lines = [responses.text("utter_points_balance", balance=seen.balance),
                 responses.text("utter_points_latest_header")]
        lines += [responses.text("utter_points_line", date=f"{line.at:%m-%d}", reason=line.reason,
                                 delta=f"{line.delta:+d}", balance_after=line.balance_after) for line in seen.latest]
        dispatcher.utter_message(text="\n".join(lines), buttons=[
            {"title": responses.text("utter_button_redeem"), "payload": "/redeem_points"}])
        return []


class ActionRedeemPoints(Action):
    def name(self) -> str:
        return "action_redeem_points"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        via, sender = channel(tracker), tracker.sender_id
        reward, offer = entity(tracker, "reward"), entity(tracker, "offer")
        if reward and offer:
            await self._redeem(dispatcher, via, sender, reward, offer)
            return []
        shown = rewards.matching(await asyncio.to_thread(rewards.catalogue), tracker.latest_message.get("text") or "")
        balance = (await asyncio.to_thread(rewards.summary, via, sender)).balance
        lines = [responses.text("utter_points_catalogue_header", balance=balance)]
        lines += [responses.text("utter_points_catalogue_item", reward=o.name, cost=o.cost, stock=o.stock,
                                 where=responses.text("utter_points_catalogue_where", street=o.where) if o.where
                                 else "") for o in shown]
        buttons = [{"title": responses.text("utter_button_redeem_item", reward=o.name, cost=o.cost),
                    "payload": "/redeem_points" + json.dumps({"reward": o.id, "offer": uuid.uuid4().hex[:16]})}
                   for o in shown if o.stock > 0 and o.cost <= balance]
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return []

    async def _redeem(self, dispatcher: CollectingDispatcher, via: str, sender: str, reward: str,
                      offer: str) -> None:
        try:
            done = await asyncio.to_thread(rewards.redeem, via, sender, reward, offer)
        except rewards.Refused as refused:
            dispatcher.utter_message(response=REFUSED[refused.reason], reward=refused.reward, cost=refused.cost,
                                     balance=refused.balance)
            return
        dispatcher.utter_message(response="utter_points_redeemed_again" if done.again else "utter_points_redeemed",
                                 code=done.code, reward=done.reward, points=done.points, balance=done.balance)
