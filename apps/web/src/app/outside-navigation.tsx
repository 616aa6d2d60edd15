import { useLayoutEffect } from 'react';
import { type Location, type NavigateFunction, useLocation, useNavigate } from 'react-router';

/**
 * Navigation for code outside React, such as the API client's callbacks: `Bridge`, rendered inside
 * the router, hands over the router's navigate and the location it last rendered. Before the bridge
 * has rendered there is no page to leave, and `navigate` does nothing.
 */
export function createOutsideNavigation() {
  let router: { navigate: NavigateFunction; location: Location } | undefined;
  function NavigationBridge() {
    const navigate = useNavigate();
    const location = useLocation();
    useLayoutEffect(() => {
      router = { navigate, location };
    }, [navigate, location]);
    return null;
  }
  return {
    Bridge: NavigationBridge,
    /** The current location, or undefined before the router has rendered. */
    location: () => router?.location,
    navigate(to: string | ((from: Location) => string), options?: { replace?: boolean }) {
      if (!router) return;
      void router.navigate(typeof to === 'string' ? to : to(router.location), options);
    },
  };
}

export type OutsideNavigation = ReturnType<typeof createOutsideNavigation>;
