"""Fixed (OrangeMiracle/chatGPTwebQQbot PR #17): the handler awaits asyncio.sleep."""
from nonebot import on_keyword
from nonebot import on_message
from nonebot.adapters.onebot.v11 import Message
from nonebot.adapters.onebot.v11 import GroupMessageEvent
from nonebot.rule import to_me
import asyncio
from quart.utils import run_sync
from revChatGPT.V1 import Chatbot
import sqlite3
import datetime


def log(str=""):
    print("gpttalk: [%s] %s" % (datetime.datetime.now(), str))


class Gpt_account:
    def __init__(self, bot, email_, status_):
        self.bot = bot
        self.email = email_
        self.status = status_


conn = sqlite3.connect('./js/qqgroup_userinfo.db')
c = conn.cursor()
gpt_accounts = []


def get_gpt_accounts():
    return gpt_accounts


def set_gpt_accounts(account_list):
    gpt_accounts = account_list


@run_sync
def askGPT_nobowser(gptbot, question, convid=None):
    prev_text = ""
    for data in gptbot.ask(prompt=question, conversation_id=convid):
        prev_text = data["message"]
    return prev_text


askGPT_nobowser_awake = on_message(rule=to_me(), priority=200)


@askGPT_nobowser_awake.handle()
async def _(event: GroupMessageEvent):
    uid = event.user_id
    user_msg = event.message
    c.execute("SELECT * FROM userinfo WHERE userid = ?", [str(uid)])  # ALSO: CCL106
    row = c.fetchone()  # ALSO: CCL106
    await asyncio.sleep(0.5)
    account_list = get_gpt_accounts()
    if row is not None and not ('None' in row[3]):
        i = 0
        for x in account_list:
            email = account_list[i].email
            bot = account_list[i].bot
            if (row[2] in email):
                if (str(row[3]) in str(account_list[i].bot.get_conversations())):  # ALSO: CCL102
                    while ('working' in account_list[i].status):
                        await asyncio.sleep(0.5)
                        account_list = get_gpt_accounts()

                    account_list[i].status = 'working'
                    set_gpt_accounts(account_list)
                    gpt_result = await askGPT_nobowser(bot, str(user_msg), str(row[3]))
                    account_list[i].status = 'finish'
                    set_gpt_accounts(account_list)
                    await word.finish(Message(f"[CQ:at,qq={uid}]GPT {email}:\n{gpt_result}"))
                    break
                else:
                    break
            i = i + 1

    log(f'新用户{uid}')
    while (True):
        i = 0
        await asyncio.sleep(0.5)
        account_list = get_gpt_accounts()
        for x in account_list:
            await asyncio.sleep(0.2)
            if ('working' in x.status):
                account_list = get_gpt_accounts()
            else:
                account_list[i].status = 'working'
                set_gpt_accounts(account_list)
                bot = account_list[i].bot
                email = account_list[i].email
                gpt_result = await askGPT_nobowser(bot, str(user_msg))
                account_list = get_gpt_accounts()
                account_list[i].status = 'finish'
                set_gpt_accounts(account_list)
                await word.finish(Message(f"[CQ:at,qq={uid}]GPT {email}:\n{gpt_result}"))
            account_list = get_gpt_accounts()
            i = i + 1


word = on_keyword({"在吗"}, rule=to_me(), block=True, priority=12)
