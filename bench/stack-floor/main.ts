// The least a web app on this stack loads first: React rendering into a root, React Router's
// declarative routes, and one axios instance with an interceptor. No page, no client, no styles.
// `npm run bench` builds it as the web app is built and weighs its first JavaScript the same way,
// so `spaStackFloorGzipKb` says how much of `spaInitialJsGzipKb` the libraries alone take.
import axios from 'axios';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes, useNavigate } from 'react-router';

const http = axios.create({ baseURL: '/', withCredentials: true });
http.interceptors.request.use((config) => {
  config.headers.set('X-Requested-With', 'XMLHttpRequest');
  return config;
});

function SignIn() {
  const navigate = useNavigate();
  const signIn = () => http.post('/auth/login', {}).then(() => navigate('/'));
  return createElement('button', { type: 'button', onClick: signIn }, 'Sign in');
}

createRoot(document.getElementById('root') as HTMLElement).render(
  createElement(
    BrowserRouter,
    null,
    createElement(
      Routes,
      null,
      createElement(Route, { path: '/login', element: createElement(SignIn) }),
      createElement(Route, { path: '*', element: createElement('p', null, 'Signed in') }),
    ),
  ),
);
