import logging, os, sys
sys.path.insert(0, os.path.dirname(__file__))
from fastapi import FastAPI, Request
from pydantic import BaseModel, field_validator
app = FastAPI()
log = logging.getLogger('uvicorn.error')
class Login(BaseModel):
    username: str
    password: str
    age: int
@app.middleware('http')
async def logmw(request: Request, call_next):
    log.debug('req %s %s headers=%s', request.method, request.url, request.headers)
    return await call_next(request)
@app.post('/login')
async def login(body: Login):
    return {'ok': True}
@app.get('/items')
async def items(token: str = ''):
    return {'items': [], 'token_len': len(token)}
@app.post('/raw')
async def raw(request: Request):
    body = await request.json()
    try:
        Login.model_validate(body)
    except Exception as e:
        log.warning('validation failed: %s', e)
    return {'ok': False}
from fastapi.exceptions import RequestValidationError
from fastapi.exception_handlers import request_validation_exception_handler
@app.exception_handler(RequestValidationError)
async def veh(request, exc):
    log.warning('422 on %s: errors=%s body=%s', request.url.path, exc.errors(), exc.body)
    return await request_validation_exception_handler(request, exc)
