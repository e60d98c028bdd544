import { LANGUAGES, LANGUAGE_NAMES } from '../../common/i18n/languages';
import { localeFile } from '../i18n/texts';

/**
 * The visitor's phone page: one small HTML file with its script and the texts of the eight
 * languages inline (no framework, a few KiB: it must load on a cheap phone on a mobile network).
 * It reads `/status/<site>/<number>.json` every 15 seconds and shows the wait, then the call; when
 * the relay cannot be reached or has no fresh snapshot it says the status is not available.
 * The QR on the ticket opens `/s/<site>/<number>?lang=<ticket language>`.
 *
 * In a dead spot: the page keeps the last status it read for its number (today's only) in the
 * phone's storage, and a service worker (`/sw.js`) keeps the page itself, so a reload without
 * network still opens it and shows that last status, marked as old ("as of 10:42"), not as live.
 */
export function statusPage(localesRoot?: string): string {
  const texts: Record<string, Record<string, unknown>> = {};
  for (const l of LANGUAGES) texts[l] = localeFile(l, 'status', ...(localesRoot ? [localesRoot] : []));
  const names = Object.fromEntries(LANGUAGES.map((l) => [l, LANGUAGE_NAMES[l]]));
  const data = JSON.stringify({ texts, names }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>窓口</title>
<style>
body{margin:0;font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;background:#f4f6f8;color:#1a1a1c;line-height:1.5}
main{max-width:30rem;margin:0 auto;padding:1rem}
h1{font-size:1rem;margin:0 0 .5rem;color:#333}
#num{font-size:3.5rem;font-weight:700;text-align:center;margin:.25rem 0;letter-spacing:.05em}
#state{font-size:1.5rem;font-weight:700;text-align:center;padding:1rem;border-radius:.75rem;background:#fff;border:2px solid #c8ccd2;margin:.5rem 0}
#state[data-s=called]{background:#0031d8;color:#fff;border-color:#0031d8}
#state[data-s=unavailable],#state[data-s=away]{background:#fff8e6;border-color:#b78f00}
#state[data-stale]{background:#eceff3;color:#1a1a1c;border:2px dashed #5e636b}
#stale{font-weight:700;color:#8a3a00;margin:.5rem 0}#stale:empty{display:none}
p{margin:.5rem 0}.small{font-size:.875rem;color:#555}
select{font-size:1rem;padding:.25rem;margin-top:1rem}
rt{font-size:.55em}
</style></head><body><main>
<h1 id="title"></h1>
<div id="num" aria-live="off"></div>
<div id="state" role="status" aria-live="assertive" data-s="unavailable"></div>
<p id="stale"></p>
<p class="small" id="note"></p>
<p class="small" id="updated"></p>
<p class="small" id="auto"></p>
<label class="small"><span id="langLabel"></span> <select id="lang"></select></label>
</main>
<script>
(function(){
var D=${data};
var path=location.pathname.match(/^\\/s\\/([a-z0-9][a-z0-9-]{0,39})\\/(\\d{1,5})$/);
var site=path?path[1]:null,num=path?Number(path[2]):null;
var q=new URLSearchParams(location.search);
function pick(){var w=q.get('lang');if(w&&D.texts[w])return w;var ls=navigator.languages||[navigator.language||'ja'];
for(var i=0;i<ls.length;i++){var l=ls[i];if(D.texts[l])return l;var b=l.split('-')[0];if(b==='zh')return 'zh-CN';if(b==='pt')return 'pt-BR';if(D.texts[b])return b;}return 'ja';}
var lang=pick(),failed=false,key='madoguchi-status:'+site+'/'+num;
function day(d){return d.getFullYear()+'-'+d.getMonth()+'-'+d.getDate();}
function hm(u){return ('0'+u.getHours()).slice(-2)+':'+('0'+u.getMinutes()).slice(-2);}
function load(){try{var s=JSON.parse(localStorage.getItem(key)||'null');if(s&&s.updatedAt&&day(new Date(s.updatedAt))===day(new Date()))return s;}catch(e){}return null;}
function save(n){try{localStorage.setItem(key,JSON.stringify(n));}catch(e){}}
var last=site==null?null:load();
function t(k,v){var s=(D.texts[lang]&&D.texts[lang][k])||D.texts.ja[k]||k;return s.replace(/\\{\\{(\\w+)\\}\\}/g,function(_,n){return v&&v[n]!=null?String(v[n]):'';});}
function put(el,s){el.textContent='';var re=/\\{([^{}|]+)\\|([^{}]+)\\}/g,i=0,m;while((m=re.exec(s))){el.appendChild(document.createTextNode(s.slice(i,m.index)));
var r=document.createElement('ruby');r.appendChild(document.createTextNode(m[1]));var rt=document.createElement('rt');rt.textContent=m[2];r.appendChild(rt);el.appendChild(r);i=re.lastIndex;}
el.appendChild(document.createTextNode(s.slice(i)));}
function $(id){return document.getElementById(id);}
function render(){document.documentElement.lang=lang;put($('title'),t('title'));put($('langLabel'),t('language'));put($('auto'),t('auto'));
$('num').textContent=num==null?'—':String(num);
var st=$('state'),s=!last?'unavailable':last.state,old=failed&&!!last;st.setAttribute('data-s',s);
if(old)st.setAttribute('data-stale','');else st.removeAttribute('data-stale');
put($('stale'),old?t('stale',{time:hm(new Date(last.updatedAt))}):'');
var txt=s==='waiting'?(last.estimateMinutes>0?t('waiting',{minutes:last.estimateMinutes,ahead:last.ahead==null?0:last.ahead}):t('waitingSoon',{ahead:last.ahead==null?0:last.ahead}))
:s==='called'?t('called',{counter:last.counter}):s==='serving'?t('serving',{counter:last.counter}):t(s);
put(st,txt);put($('note'),s==='waiting'?t('estimateNote'):'');
var u=!failed&&last&&last.updatedAt?new Date(last.updatedAt):null;
put($('updated'),u?t('updated',{time:hm(u)}):'');}
var sel=$('lang');Object.keys(D.names).forEach(function(l){var o=document.createElement('option');o.value=l;o.textContent=D.names[l];if(l===lang)o.selected=true;sel.appendChild(o);});
sel.onchange=function(){lang=sel.value;render();};
function poll(){if(site==null){failed=true;render();return;}
var x=new XMLHttpRequest();x.open('GET','/status/'+site+'/'+num+'.json');x.timeout=10000;
x.onload=function(){try{if(x.status!==200)throw 0;var n=JSON.parse(x.responseText);if(n.state==='unavailable'||!n.updatedAt)throw 0;if(last&&last.state!=='called'&&n.state==='called'&&navigator.vibrate)navigator.vibrate([300,150,300]);last=n;save(n);failed=false;}catch(e){failed=true;}render();};
x.onerror=x.ontimeout=function(){failed=true;render();};x.send();}
if(site!=null&&navigator.serviceWorker)navigator.serviceWorker.register('/sw.js',{scope:'/s/'}).catch(function(){});
render();poll();setInterval(poll,15000);
})();
</script></body></html>
`;
}

/**
 * The service worker of the phone page: it keeps the page (one copy serves every number) and,
 * when the network does not answer within 4 s or fails, opens the kept copy. The statuses
 * themselves are never cached here: the page keeps its own last one and marks it as old.
 */
export const STATUS_SERVICE_WORKER = `'use strict';
var C='madoguchi-status-page-v1',K='/s/page';
self.addEventListener('install',function(e){e.waitUntil(caches.open(C).then(function(c){return fetch('/',{cache:'no-store'}).then(function(r){if(r.ok)return c.put(K,r);});}).catch(function(){}).then(function(){return self.skipWaiting();}));});
self.addEventListener('activate',function(e){e.waitUntil(caches.keys().then(function(ks){return Promise.all(ks.filter(function(k){return k!==C;}).map(function(k){return caches.delete(k);}));}).then(function(){return self.clients.claim();}));});
self.addEventListener('fetch',function(e){var r=e.request,u=new URL(r.url);
if(r.method!=='GET'||u.origin!==location.origin||r.mode!=='navigate'||!/^\\/s\\/[a-z0-9][a-z0-9-]{0,39}\\/\\d{1,5}$/.test(u.pathname))return;
e.respondWith(caches.open(C).then(function(c){return c.match(K).then(function(hit){
var net=fetch(r).then(function(res){if(res.ok)c.put(K,res.clone()).catch(function(){});return res;});
if(!hit)return net;
return new Promise(function(ok){var done=false;function take(x){if(!done){done=true;ok(x);}}
net.then(function(res){take(res.ok?res:hit);},function(){take(hit);});setTimeout(function(){take(hit);},4000);});
});}));});
`;
